using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Diagnostics;

/// <summary>How the gradient travels from the last conv layer back to the first.</summary>
public enum FlowVerdict
{
    /// <summary>r &lt; 0.1 (or exactly 0): the gradient shrinks toward the input.</summary>
    Vanishing,

    /// <summary>0.1 &lt;= r &lt;= 10.</summary>
    Healthy,

    /// <summary>r &gt; 10: the gradient grows toward the input.</summary>
    Exploding,
}

/// <summary>One layer's numbers from a single forward and backward pass.</summary>
/// <param name="Index">Position in the model.</param>
/// <param name="Name">Layer name.</param>
/// <param name="TypeName">Layer type.</param>
/// <param name="OutputStd">Standard deviation of the layer's output.</param>
/// <param name="OutputGradNorm">L2 norm of dL/d(output).</param>
public sealed record LayerFlow(int Index, string Name, string TypeName, double OutputStd, double OutputGradNorm);

/// <summary>The result of <see cref="GradientFlow.Probe"/>.</summary>
/// <param name="Layers">Per-layer numbers.</param>
/// <param name="FirstConv">Index of the first Conv2D.</param>
/// <param name="LastConv">Index of the last Conv2D.</param>
/// <param name="Ratio">r = ||dL/d out(first conv)|| / ||dL/d out(last conv)||.</param>
/// <param name="Verdict">What r says.</param>
/// <param name="Loss">The loss of the batch.</param>
public sealed record FlowReport(IReadOnlyList<LayerFlow> Layers, int FirstConv, int LastConv, double Ratio, FlowVerdict Verdict, double Loss);

/// <summary>One forward and backward pass that shows how gradients flow through a model.</summary>
public static class GradientFlow
{
    /// <summary>Below this ratio the gradient is vanishing.</summary>
    public const double VanishingBelow = 0.1;

    /// <summary>Above this ratio the gradient is exploding.</summary>
    public const double ExplodingAbove = 10;

    /// <summary>
    /// Runs one training-mode forward and backward pass on (x, y) without updating the weights,
    /// and compares the activation-gradient norm at the first conv layer's output with the one at
    /// the last conv layer's output. Activation gradients show the flow even through layers whose
    /// weights get no gradient (such as a residual block that starts as the identity).
    /// </summary>
    public static FlowReport Probe(Sequential model, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(model);
        var recorder = new GradientFlowRecorder(every: 1);
        double loss = model.ComputeGradients(x, y, null, recorder).Loss;
        int count = model.Layers.Count;
        long step = model.TrainSteps;
        var std = recorder.Profile(step, DiagnosticsMetrics.OutputStd, count);
        var grad = recorder.Profile(step, DiagnosticsMetrics.OutputGradNorm, count);
        var layers = model.Layers.Select((l, i) => new LayerFlow(i, l.Name, l.TypeName, std[i], grad[i])).ToList();
        var convs = layers.Where(l => model.Layers[l.Index] is Conv2D).Select(l => l.Index).ToList();
        if (convs.Count < 2)
            throw new ArgumentException($"Model '{model.Name}' needs at least two Conv2D layers to compare gradient flow; it has {convs.Count}.", nameof(model));
        double ratio = grad[convs[0]] / grad[convs[^1]];
        return new FlowReport(layers, convs[0], convs[^1], ratio, Classify(ratio), loss);
    }

    /// <summary>Vanishing below 0.1 (or 0, or NaN from an underflowed 0/0), exploding above 10, healthy between.</summary>
    public static FlowVerdict Classify(double ratio) =>
        double.IsNaN(ratio) || ratio < VanishingBelow ? FlowVerdict.Vanishing
        : ratio > ExplodingAbove ? FlowVerdict.Exploding
        : FlowVerdict.Healthy;
}
