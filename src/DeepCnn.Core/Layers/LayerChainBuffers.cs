using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// The buffers a chain of layers runs on (a model, or a residual block's branch): one output buffer
/// per layer, and two ping-pong buffers for the input gradients (layer i writes dL/d(its input)
/// into buffer i % 2 while reading dL/d(its output) from the other). Views are remade only when the
/// batch size changes, so a steady training loop creates no objects.
/// </summary>
internal sealed class LayerChainBuffers
{
    private readonly float[][] _outputs;
    private float[] _gradA = [], _gradB = [];
    private int _batch = -1;

    public LayerChainBuffers(int layers)
    {
        _outputs = new float[layers][];
        for (int i = 0; i < layers; i++)
            _outputs[i] = [];
    }

    /// <summary>Layer i's output [batch, ...OutputShape].</summary>
    public Tensor[] Outputs { get; private set; } = [];

    /// <summary>Where layer i writes dL/d(its input) [batch, ...InputShape].</summary>
    public Tensor[] InputGradients { get; private set; } = [];

    /// <summary>True once <see cref="Prepare"/> has run.</summary>
    public bool IsPrepared => _batch >= 0;

    /// <summary>Sizes the buffers for <paramref name="batch"/>; returns false when they already were.</summary>
    public bool Prepare(IReadOnlyList<Layer> layers, int batch)
    {
        if (batch == _batch)
            return false;
        var outputs = new Tensor[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            outputs[i] = Workspace.Rent(ref _outputs[i], [batch, .. layers[i].OutputShape]);
            Workspace.Rent(ref i % 2 == 0 ? ref _gradA : ref _gradB, [batch, .. layers[i].InputShape]);
        }
        // Views after all growth, so none points at a replaced array.
        var gradients = new Tensor[layers.Count];
        for (int i = 0; i < layers.Count; i++)
            gradients[i] = Workspace.View(i % 2 == 0 ? _gradA : _gradB, [batch, .. layers[i].InputShape]);
        (Outputs, InputGradients, _batch) = (outputs, gradients, batch);
        return true;
    }
}
