using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Kernels;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A linear layer (z = W x + b) followed by an optional fused activation y = act(z).
/// Subclasses provide the linear forward and backward; this class applies the activation and,
/// in backward, turns dy into dz. With softmax, z (the logits) is kept so that a following
/// categorical cross-entropy can start backward from dz = (softmax(z) - t) / N exactly, as Keras does.
/// </summary>
public abstract class ActivatedLayer : Layer
{
    private readonly ScratchTensor _dz = new();
    private readonly ScratchTensor _logits = new();

    /// <summary>Creates the layer with its fused activation.</summary>
    protected ActivatedLayer(Activation activation) => Activation = activation;

    /// <summary>The fused activation.</summary>
    public Activation Activation { get; }

    /// <summary>The logits z of the last forward when the activation is softmax.</summary>
    internal Tensor Logits(int batch) => _logits.Current(batch);

    /// <summary>z = W x + b into z (same shape as y).</summary>
    protected abstract void ForwardLinear(Tensor x, Tensor z);

    /// <summary>Given dz: adds the parameter gradients and writes dx (when not null).</summary>
    protected abstract void BackwardLinear(Tensor x, Tensor dz, Tensor? dx);

    /// <summary>
    /// y = max(W x + b, 0). The default runs <see cref="ForwardLinear"/> and then the ReLU; a layer
    /// whose kernel can apply it in its epilogue (Conv2D) overrides this to save a pass over y.
    /// </summary>
    protected virtual void ForwardLinearRelu(Tensor x, Tensor y)
    {
        ForwardLinear(x, y);
        TensorPrimitives.Max(y.Span, 0f, y.Span);
    }

    /// <summary>
    /// Backward through y = max(z, 0): dz = dy where y &gt; 0, then <see cref="BackwardLinear"/>. A layer
    /// that applies the mask while laying dz out for its kernels (Conv2D) overrides this.
    /// </summary>
    protected virtual void BackwardLinearRelu(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        var dz = _dz.Get(y.Dim(0), OutputShape);
        Elementwise.ReluMask(y.Span, dy.Span, dz.Span);
        BackwardLinear(x, dz, dx);
    }

    /// <inheritdoc/>
    public sealed override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        int batch = x.Dim(0);
        switch (Activation)
        {
            case Activation.None:
                ForwardLinear(x, y);
                break;
            case Activation.ReLU:
                ForwardLinearRelu(x, y);
                break;
            case Activation.Softmax:
                var z = LogitsBuffer(batch);
                ForwardLinear(x, z);
                Softmax.Forward(z.Span, y.Span, batch, ChannelCount, SpatialSize);
                break;
        }
    }

    /// <inheritdoc/>
    public sealed override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        if (!y.HasShape(dy.Shape)) // formats the message only on failure: the steady state allocates nothing
            Tensor.RequireSameShape(y, dy, $"{Name} backward");
        int batch = x.Dim(0);
        switch (Activation)
        {
            case Activation.None:
                BackwardLinear(x, dy, dx);
                break;
            case Activation.ReLU:
                BackwardLinearRelu(x, y, dy, dx);
                break;
            case Activation.Softmax:
                var dzs = _dz.Get(batch, OutputShape);
                Softmax.Backward(y.Span, dy.Span, dzs.Span, batch, ChannelCount, SpatialSize);
                BackwardLinear(x, dzs, dx);
                break;
        }
    }

    /// <summary>Backward from dL/dz directly (softmax followed by cross-entropy): skips the softmax Jacobian.</summary>
    internal void BackwardFromLogits(Tensor x, Tensor dz, Tensor? dx) => BackwardLinear(x, dz, dx);

    /// <inheritdoc/>
    public override ulong KinkSignature(Tensor y) => Activation == Activation.ReLU ? Kinks.PositiveMask(y.Span) : 0;

    /// <summary>Channels of the output (the softmax axis).</summary>
    private int ChannelCount => OutputShape[0];

    /// <summary>Elements per channel of one sample (1 for a vector).</summary>
    private int SpatialSize => SampleSize(OutputShape) / OutputShape[0];

    private Tensor LogitsBuffer(int batch) => _logits.Get(batch, OutputShape);
}
