namespace DeepCnn.Layers;

/// <summary>An activation fused into a Conv2D or Dense layer, as Keras's <c>activation=</c> argument.</summary>
public enum Activation
{
    /// <summary>Linear: y = z.</summary>
    None,

    /// <summary>y = max(z, 0).</summary>
    ReLU,

    /// <summary>Softmax over the channel (feature) axis. Followed by categorical cross-entropy, the loss is computed from the logits z.</summary>
    Softmax,
}

/// <summary>Parses Keras activation names.</summary>
public static class ActivationNames
{
    /// <summary>"relu", "softmax", "linear" or null/empty for none.</summary>
    public static Activation Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "linear" or "none" => Activation.None,
        "relu" => Activation.ReLU,
        "softmax" => Activation.Softmax,
        _ => throw new ArgumentException($"Unknown activation '{name}': use \"relu\", \"softmax\" or \"linear\".", nameof(name)),
    };
}
