using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// The buffers a chain of layers runs on (a model, or a residual block's branch): one output buffer
/// per layer, and two ping-pong buffers for the input gradients (layer i writes dL/d(its input)
/// into buffer i % 2 while reading dL/d(its output) from the other). Views are remade only when the
/// batch size (or a borrowed gradient array) changes, so a steady training loop creates no objects.
/// </summary>
/// <remarks>
/// The gradient buffers live only while the chain runs backward. A model owns its pair; a residual
/// block borrows a pair from <see cref="GradientScratch"/> for the length of its backward, so that
/// the hundreds of blocks of a deep network share a pair that stays in cache instead of each
/// touching its own.
/// </remarks>
internal sealed class LayerChainBuffers
{
    private readonly float[][] _outputs;
    private readonly bool _borrowGradients;
    private int[][] _inputShapes = [];
    private float[] _gradA = [], _gradB = [];
    private Tensor[] _swappedGradients = [];
    private int _batch = -1;

    /// <summary>Buffers for a chain of <paramref name="layers"/> layers; with <paramref name="borrowGradients"/>, see <see cref="BorrowGradients"/>.</summary>
    public LayerChainBuffers(int layers, bool borrowGradients = false)
    {
        _outputs = new float[layers][];
        for (int i = 0; i < layers; i++)
            _outputs[i] = [];
        _borrowGradients = borrowGradients;
    }

    /// <summary>Layer i's output [batch, ...OutputShape].</summary>
    public Tensor[] Outputs { get; private set; } = [];

    /// <summary>Where layer i writes dL/d(its input) [batch, ...InputShape].</summary>
    public Tensor[] InputGradients { get; private set; } = [];

    /// <summary>True once <see cref="Prepare"/> has run.</summary>
    public bool IsPrepared => _batch >= 0;

    /// <summary>Floats each gradient buffer needs: the largest input of the chain at the prepared batch.</summary>
    public int GradientLength { get; private set; }

    /// <summary>Sizes the buffers for <paramref name="batch"/>; returns false when they already were.</summary>
    public bool Prepare(IReadOnlyList<Layer> layers, int batch)
    {
        if (batch == _batch)
            return false;
        // No lambda here: one capturing the parameter batch would allocate its closure on every call.
        var outputs = new Tensor[layers.Count];
        var inputShapes = new int[layers.Count][];
        int gradientLength = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            outputs[i] = Workspace.Rent(ref _outputs[i], [batch, .. layers[i].OutputShape]);
            inputShapes[i] = [batch, .. layers[i].InputShape];
            gradientLength = Math.Max(gradientLength, Tensor.CheckedLength(inputShapes[i]));
        }
        (Outputs, GradientLength, _inputShapes, _batch) = (outputs, gradientLength, inputShapes, batch);
        if (!_borrowGradients)
        {
            // Both ping-pong buffers fit every input, so either can serve any layer (InputGradientBeside).
            var a = _gradA.Length >= gradientLength ? _gradA : new float[gradientLength];
            var b = _gradB.Length >= gradientLength ? _gradB : new float[gradientLength];
            MakeGradientViews(a, b);
        }
        return true;
    }

    /// <summary>
    /// For a chain made with borrowGradients: takes a pair of arrays of at least
    /// <see cref="GradientLength"/> floats from <see cref="GradientScratch"/> for one backward pass.
    /// Dispose the result to give them back.
    /// </summary>
    public Borrowed BorrowGradients()
    {
        var a = GradientScratch.Rent(GradientLength);
        var b = GradientScratch.Rent(GradientLength);
        if (!ReferenceEquals(a, _gradA) || !ReferenceEquals(b, _gradB))
            MakeGradientViews(a, b);
        return new Borrowed(a, b);
    }

    /// <summary>
    /// Where layer i writes dL/d(its input) when the layers do not alternate strictly (fused pairs
    /// skip one): whichever ping-pong buffer does not hold <paramref name="outputGradient"/>, the gradient it reads.
    /// </summary>
    public Tensor InputGradientBeside(int layer, Tensor outputGradient) =>
        InputGradients[layer].Span.Overlaps(outputGradient.Span) ? _swappedGradients[layer] : InputGradients[layer];

    /// <summary>A view of layer i's input shape on the first (<paramref name="second"/> false) or the second gradient buffer.</summary>
    public Tensor GradientBuffer(int layer, bool second) =>
        (layer % 2 == 0) != second ? InputGradients[layer] : _swappedGradients[layer];

    private void MakeGradientViews(float[] a, float[] b)
    {
        var gradients = new Tensor[_inputShapes.Length];
        var swapped = new Tensor[_inputShapes.Length];
        for (int i = 0; i < _inputShapes.Length; i++)
        {
            gradients[i] = Workspace.View(i % 2 == 0 ? a : b, _inputShapes[i]);
            swapped[i] = Workspace.View(i % 2 == 0 ? b : a, _inputShapes[i]);
        }
        (_gradA, _gradB, InputGradients, _swappedGradients) = (a, b, gradients, swapped);
    }

    /// <summary>A borrowed pair of gradient arrays; disposing returns them (in reverse order, so the pool stays a stack).</summary>
    public readonly struct Borrowed(float[] a, float[] b) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            GradientScratch.Return(b);
            GradientScratch.Return(a);
        }
    }
}

/// <summary>
/// A per-thread stack of float arrays for gradients that live only during one backward pass of a
/// residual branch. Nested blocks borrow deeper entries while their parent holds the upper ones;
/// sibling blocks get the same arrays back in the same order, so the steady state allocates nothing.
/// </summary>
internal static class GradientScratch
{
    [ThreadStatic]
    private static Stack<float[]>? t_free;

    /// <summary>An array of at least <paramref name="length"/> floats (contents unspecified); give it back with <see cref="Return"/>.</summary>
    public static float[] Rent(int length)
    {
        var free = t_free ??= new Stack<float[]>();
        if (free.TryPop(out var array) && array.Length >= length)
            return array;
        return new float[Math.Max(length, array?.Length ?? 0)];
    }

    /// <summary>Gives back an array from <see cref="Rent"/>.</summary>
    public static void Return(float[] array) => (t_free ??= new Stack<float[]>()).Push(array);
}
