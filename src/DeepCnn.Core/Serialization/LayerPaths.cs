using DeepCnn.Layers;

namespace DeepCnn.Serialization;

/// <summary>
/// Every layer of a model, depth first, with its path: the layer names from the model's own layer
/// down to it, joined by '/' (<c>residual_2/dropout</c>). Names are unique only among siblings, so
/// the path is what identifies a layer inside a residual block, and it prefixes the layer's tensors.
/// </summary>
internal static class LayerPaths
{
    /// <summary>The layers of <paramref name="layers"/> and of everything nested in them, each before its sublayers.</summary>
    public static IEnumerable<(string Path, Layer Layer)> Walk(IEnumerable<Layer> layers, string prefix = "")
    {
        foreach (var layer in layers)
        {
            string path = prefix + layer.Name;
            yield return (path, layer);
            foreach (var inner in Walk(layer.Sublayers, path + "/"))
                yield return inner;
        }
    }
}
