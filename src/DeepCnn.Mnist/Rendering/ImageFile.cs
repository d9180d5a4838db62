using DeepCnn.IO;
using System.Text;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Rendering;

/// <summary>Saves pictures as PNG or SVG files, atomically, so a viewer never sees a half-written file.</summary>
public static class ImageFile
{
    /// <summary>Saves <paramref name="image"/> in the format the extension of <paramref name="path"/> names.</summary>
    /// <param name="image">The picture.</param>
    /// <param name="path">A file ending in <c>.png</c> or <c>.svg</c>; it is created or replaced.</param>
    /// <exception cref="ArgumentException">The extension is neither <c>.png</c> nor <c>.svg</c>.</exception>
    public static void Save(GrayImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(path);
        var content = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => PngEncoder.Encode(image),
            ".svg" => Encoding.UTF8.GetBytes(SvgEncoder.Encode(image, Path.GetFileNameWithoutExtension(path))),
            _ => throw new ArgumentException($"{path}: unsupported image format; use .png or .svg", nameof(path)),
        };
        AtomicFile.WriteAllBytes(path, content);
    }
}
