using System.Xml.Linq;

namespace DeepCnn.Mnist.Rendering;

/// <summary>
/// Encodes a <see cref="GrayImage"/> as SVG that embeds the PNG encoding, drawn with crisp pixel
/// edges; far smaller than one rectangle per pixel, and viewable in any browser.
/// </summary>
public static class SvgEncoder
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Encodes <paramref name="image"/> as an SVG document.</summary>
    /// <param name="image">The picture.</param>
    /// <param name="title">A title for the document, shown as a tooltip and read by screen readers.</param>
    /// <returns>The SVG text.</returns>
    public static string Encode(GrayImage image, string title = "DeepCnn digits")
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(title);
        var png = Convert.ToBase64String(PngEncoder.Encode(image));
        var document = new XElement(
            Svg + "svg",
            new XAttribute("width", image.Width),
            new XAttribute("height", image.Height),
            new XAttribute("viewBox", $"0 0 {image.Width} {image.Height}"),
            new XElement(Svg + "title", title),
            new XElement(
                Svg + "image",
                new XAttribute("width", image.Width),
                new XAttribute("height", image.Height),
                new XAttribute("style", "image-rendering:pixelated"),
                new XAttribute("href", $"data:image/png;base64,{png}")));
        return document.ToString();
    }
}
