using DeepCnn.Kernels;
using DeepCnn.Parallel;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// The per-item chunks of a Conv2D pass for <see cref="Compute.For"/>: chunk n is batch item n.
/// Allocated once per layer; the tensors of the current call are set in the fields before the loop.
/// </summary>
internal sealed class Conv2DForwardWork : IParallelWork
{
    public ConvolutionPlan Plan = null!;
    public Tensor X = null!, Y = null!, Weights = null!;
    public Tensor? Bias, Skip;
    public bool Relu;

    /// <inheritdoc/>
    public void Execute(int index)
    {
        var g = Plan.Geometry;
        int xSize = g.InChannels * g.InPlane;
        Execute(index, X.Span.Slice(index * xSize, xSize));
    }

    /// <summary>Item <paramref name="index"/> from <paramref name="x"/> ([Cin, H, W]) instead of its slice of X.</summary>
    public void Execute(int index, ReadOnlySpan<float> x)
    {
        var g = Plan.Geometry;
        int ySize = g.OutChannels * g.OutPlane;
        var bias = Bias is null ? ReadOnlySpan<float>.Empty : Bias.Span;
        var skip = Skip is null ? ReadOnlySpan<float>.Empty : Skip.Span.Slice(index * ySize, ySize);
        Plan.Forward(x, Weights.Span, bias, Y.Span.Slice(index * ySize, ySize), Relu, skip);
    }

    /// <summary>Drops the references to the call's tensors.</summary>
    public void Clear()
    {
        X = Y = Weights = null!;
        Bias = Skip = null;
    }
}

/// <summary>
/// Backward chunks: item n writes its weight and bias gradients into its own slice of the partial
/// buffers (reduced afterwards in item order, so the sum does not depend on the threads) and its dx.
/// </summary>
internal sealed class Conv2DBackwardWork : IParallelWork
{
    public ConvolutionPlan Plan = null!;
    public Tensor X = null!, Dy = null!;
    public Tensor? ReluOutput, Dx;
    public float[] WeightPartials = [], BiasPartials = [];
    public bool HasBias;

    /// <inheritdoc/>
    public void Execute(int index)
    {
        var g = Plan.Geometry;
        int xSize = g.InChannels * g.InPlane;
        Execute(index, X.Span.Slice(index * xSize, xSize));
    }

    /// <summary>Item <paramref name="index"/> with the layer's input <paramref name="x"/> ([Cin, H, W]) instead of its slice of X.</summary>
    public void Execute(int index, ReadOnlySpan<float> x)
    {
        var g = Plan.Geometry;
        int xSize = g.InChannels * g.InPlane, ySize = g.OutChannels * g.OutPlane;
        int wSize = g.OutChannels * g.PatchSize;
        var mask = ReluOutput is null ? ReadOnlySpan<float>.Empty : ReluOutput.Span.Slice(index * ySize, ySize);
        var db = HasBias ? BiasPartials.AsSpan(index * g.OutChannels, g.OutChannels) : Span<float>.Empty;
        var dx = Dx is null ? Span<float>.Empty : Dx.Span.Slice(index * xSize, xSize);
        Plan.Backward(x, mask, Dy.Span.Slice(index * ySize, ySize), WeightPartials.AsSpan(index * wSize, wSize), db, dx);
    }

    /// <summary>Drops the references to the call's tensors.</summary>
    public void Clear()
    {
        X = Dy = null!;
        ReluOutput = Dx = null;
    }
}
