using DeepCnn.IO;
using DeepCnn.Layers;
using DeepCnn.Serialization;
using DeepCnn.Tensors;

namespace DeepCnn.Training;

/// <summary>Saving and loading: the DeepCnn model file (docs/FILE-FORMAT.md).</summary>
public sealed partial class Sequential
{
    /// <summary>
    /// Saves the architecture and every weight (BatchNormalization's moving statistics included) to
    /// <paramref name="path"/>, atomically: a crash mid-save leaves the previous file intact.
    /// With <paramref name="includeOptimizer"/> and a compiled model it also saves the training
    /// state — the optimizer's type, hyper-parameters, step count and moments (Adam) or velocity
    /// (SGD with momentum), and the random state of the shuffling and of every Dropout layer, those
    /// inside residual blocks included — so that training resumes bit for bit after
    /// <see cref="Load(string)"/>. Builds the model first if needed.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="includeOptimizer">Whether to save the training state (ignored when not compiled).</param>
    /// <exception cref="NotSupportedException">A layer, optimizer or loss that the format cannot describe.</exception>
    public void Save(string path, bool includeOptimizer = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, stream => ModelWriter.Write(this, stream, includeOptimizer));
    }

    /// <summary>Writes the model file to <paramref name="stream"/> (see <see cref="Save(string, bool)"/>); not atomic.</summary>
    /// <param name="stream">A writable stream; the file starts at its current position.</param>
    /// <param name="includeOptimizer">Whether to save the training state (ignored when not compiled).</param>
    /// <exception cref="NotSupportedException">A layer, optimizer or loss that the format cannot describe.</exception>
    public void Save(Stream stream, bool includeOptimizer = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ModelWriter.Write(this, stream, includeOptimizer);
    }

    /// <summary>
    /// Loads a model saved by <see cref="Save(string, bool)"/>, checking every byte before trusting
    /// it. Without training state the model is built but needs <see cref="Compile"/> before
    /// training; with it, the model is compiled with the restored optimizer and categorical
    /// cross-entropy, and its random state is restored.
    /// </summary>
    /// <param name="path">The model file.</param>
    /// <returns>The built model.</returns>
    /// <exception cref="ModelFormatException">The file is missing, unreadable or not a valid model file; the message names the file and the problem.</exception>
    public static Sequential Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFormatException(path, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ModelFormatException(path, $"cannot be opened: {e.Message}", e);
        }
        using (stream)
            return ModelReader.Read(stream, path);
    }

    /// <summary>Loads a model file from the current position to the end of <paramref name="stream"/> (see <see cref="Load(string)"/>).</summary>
    /// <param name="stream">A readable, seekable stream (its length bounds every size the header declares).</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The built model.</returns>
    /// <exception cref="ModelFormatException">The bytes are not a valid model file.</exception>
    /// <exception cref="ArgumentException">The stream cannot read or seek.</exception>
    public static Sequential Load(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        return ModelReader.Read(stream, fileName);
    }

    /// <summary>
    /// Builds the model one layer at a time from a per-sample input shape (channels first), calling
    /// <paramref name="beforeLayer"/> with each layer, its input shape and the generator the layers
    /// draw from, before the layer creates its weights: the loader checks there that the file backs
    /// every parameter the layer will allocate (and builds a residual block's branch, checked, itself).
    /// </summary>
    internal void BuildLayerByLayer(int[] inputShape, Action<Layer, int[], Rng> beforeLayer)
    {
        // The same stream Build() hands the layers, so Dropout layers get the seeds of a fresh model.
        var rng = CreateBuildRandom();
        var shape = inputShape;
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            beforeLayer(layer, shape, rng);
            try
            {
                layer.Build(shape, rng);
            }
            catch (ShapeMismatchException e)
            {
                throw new ShapeMismatchException($"Layer {i} '{layer.Name}' ({layer.TypeName}) cannot take input shape {ShapeFormat.FormatKerasBatch(shape)}: {e.Message}", e);
            }
            shape = layer.OutputShape;
        }
        Build(ShapeFormat.ToKeras(inputShape));
    }
}
