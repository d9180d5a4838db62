using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Parallel;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A residual branch of k units BatchNormalization, ReLU, linear Conv2D (the pre-activation block has
/// k = 2) run batch item by batch item: each parallel loop carries one item through every pass that
/// needs nothing from the other items, and stops only where a BatchNorm needs the batch's sums.
/// Forward: BN(0) sums | BN(j) output, Conv(j), BN(j+1) sums | ... ; backward: Conv(k-1) and BN(k-1)
/// sums | BN(j+1) dx, Conv(j), BN(j) sums | ... | BN(0) dx + the skip's gradient. That is k + 1
/// loops each way instead of 3k, and an item's data is consumed by the thread that just produced it,
/// while it is in that core's cache.
/// <para>
/// The ReLU outputs are never stored: forward writes an item's relu(BN(j)) into a per-thread buffer
/// that Conv(j) reads at once, and backward recomputes it from BN(j)'s input (which BN(j)'s backward
/// reads anyway). A block then writes to memory only its two convolutions' outputs, as two plain
/// conv layers do: an 800-layer stack does not fit in any cache, so that traffic is its cost.
/// Every item computes exactly what the layer-by-layer passes do, and the sums are added in item
/// order, so the results are bit-identical to them.
/// </para>
/// </summary>
internal sealed class PreActivationPipeline : IParallelWork
{
    private readonly BatchNormalization[] _norms;
    private readonly Conv2D[] _convs;
    private Stage _stage;
    private int _unit;
    private bool _training;
    private Tensor? _skipGradient, _blockGradient;
    private BatchNormalization? _following;
    private readonly int[] _reluItemSizes;

    // Per thread, one item of a ReLU output ([C, H, W]): written and read while it is in the core's cache.
    [ThreadStatic]
    private static float[]? t_reluItem;

    private PreActivationPipeline(BatchNormalization[] norms, Conv2D[] convs) =>
        (_norms, _convs, _reluItemSizes) = (norms, convs, new int[norms.Length]);

    /// <summary>A pipeline for <paramref name="branch"/> if it is made of (BatchNormalization, ReLU, linear Conv2D) units, else null.</summary>
    public static PreActivationPipeline? TryCreate(IReadOnlyList<Layer> branch)
    {
        if (branch.Count == 0 || branch.Count % 3 != 0)
            return null;
        var norms = new BatchNormalization[branch.Count / 3];
        var convs = new Conv2D[branch.Count / 3];
        for (int j = 0; j < norms.Length; j++)
        {
            if (branch[3 * j] is not BatchNormalization norm || branch[(3 * j) + 1] is not ReLU
                || branch[(3 * j) + 2] is not Conv2D { Activation: Activation.None } conv)
                return null;
            (norms[j], convs[j]) = (norm, conv);
        }
        return new PreActivationPipeline(norms, convs);
    }

    /// <summary>The branch's first BatchNormalization, whose statistics a preceding block may take (see <see cref="Forward"/>).</summary>
    public BatchNormalization FirstNorm => _norms[0];

    /// <summary>Whether every convolution can run item by item now (the reference algorithm cannot).</summary>
    public bool IsAvailable
    {
        get
        {
            foreach (var conv in _convs)
                if (!conv.HasItemPasses)
                    return false;
            return true;
        }
    }

    /// <summary>
    /// y = x + F(x). outputs are the branch's layer outputs: only the convolutions' are written (the
    /// last one's goes to y); <see cref="RecomputeReluOutputs"/> fills in the ReLUs' when asked.
    /// <paramref name="statisticsReady"/>: the first BatchNorm's statistics of x were already taken
    /// (by the preceding block). <paramref name="following"/>: a BatchNorm set up on y whose
    /// statistics items to take while y is written, in the last loop (the caller finishes them).
    /// </summary>
    public void Forward(Tensor x, Tensor[] outputs, Tensor y, bool training, bool statisticsReady = false, BatchNormalization? following = null)
    {
        int k = _norms.Length, batch = x.Dim(0);
        _training = training;
        _following = following;
        SetReluItemSizes(outputs, batch);
        _norms[0].BeginForwardItems(x, outputs[1], training, relu: true);
        if (training && !statisticsReady)
        {
            Run(Stage.FirstStatistics, 0, batch);
            _norms[0].FinishStatistics();
        }
        for (int j = 0; j < k; j++)
        {
            bool last = j == k - 1;
            _convs[j].BeginForwardItems(outputs[(3 * j) + 1], last ? y : outputs[(3 * j) + 2], relu: false, skip: last ? x : null);
            if (!last)
                _norms[j + 1].BeginForwardItems(outputs[(3 * j) + 2], outputs[(3 * j) + 4], training, relu: true);
            Run(Stage.Forward, j, batch);
            _norms[j].EndItems();
            _convs[j].EndForwardItems();
            if (!last && training)
                _norms[j + 1].FinishStatistics();
        }
        _following = null;
    }

    /// <summary>
    /// From dy at the block's output: the parameter gradients and, when <paramref name="dx"/> is given,
    /// dx = dy + dF/dx^T dy. The branch's gradients go to the two scratch buffers of <paramref name="buffers"/>.
    /// </summary>
    public void Backward(Tensor x, Tensor[] outputs, Tensor dy, Tensor? dx, LayerChainBuffers buffers)
    {
        int k = _norms.Length, batch = x.Dim(0);
        SetReluItemSizes(outputs, batch);
        // The first buffer holds dL/d(ReLU j output) = Conv j's dx; the second dL/d(Conv j-1 output) = BN j's dx.
        for (int j = k - 1; j >= 0; j--)
        {
            var reluGradient = buffers.GradientBuffer((3 * j) + 2, second: false);
            var convGradient = j == 0 ? dx : buffers.GradientBuffer(3 * j, second: true);
            _convs[j].BeginBackwardItems(outputs[(3 * j) + 1], null, j == k - 1 ? dy : buffers.GradientBuffer(3 * (j + 1), second: true), reluGradient);
            _norms[j].BeginBackwardItems(j == 0 ? x : outputs[(3 * j) - 1], reluGradient, convGradient, relu: true);
            Run(Stage.Backward, j, batch);
            _convs[j].EndBackwardItems(batch);
            if (j + 1 < k)
                _norms[j + 1].EndItems();
            _norms[j].FinishGradientSums();
        }
        if (dx is not null)
        {
            (_blockGradient, _skipGradient) = (dx, dy);
            Run(Stage.FirstInputGradient, 0, batch);
            (_blockGradient, _skipGradient) = (null, null);
        }
        _norms[0].EndItems();
    }

    /// <summary>Writes the ReLU outputs that <see cref="Forward"/> did not store into outputs, from the last forward's statistics.</summary>
    public void RecomputeReluOutputs(Tensor x, Tensor[] outputs)
    {
        for (int j = 0; j < _norms.Length; j++)
            _norms[j].RecomputeOutput(j == 0 ? x : outputs[(3 * j) - 1], outputs[(3 * j) + 1], relu: true);
    }

    private static Span<float> ReluItemBuffer(int size)
    {
        var buffer = t_reluItem;
        if (buffer is null || buffer.Length < size)
            t_reluItem = buffer = new float[size];
        return buffer.AsSpan(0, size);
    }

    private void SetReluItemSizes(Tensor[] outputs, int batch)
    {
        for (int j = 0; j < _norms.Length; j++)
            _reluItemSizes[j] = outputs[(3 * j) + 1].Length / batch;
    }

    private void Run(Stage stage, int unit, int batch)
    {
        (_stage, _unit) = (stage, unit);
        Compute.For(this, batch);
    }

    /// <inheritdoc/>
    public void Execute(int item)
    {
        int j = _unit;
        switch (_stage)
        {
            case Stage.FirstStatistics:
                _norms[0].StatisticsItem(item);
                break;
            case Stage.Forward:
                var reluForward = ReluItemBuffer(_reluItemSizes[j]);
                _norms[j].NormalizeItem(item, reluForward);
                _convs[j].ForwardItem(item, reluForward);
                if (j + 1 < _norms.Length && _training)
                    _norms[j + 1].StatisticsItem(item);
                else if (j + 1 == _norms.Length)
                    _following?.StatisticsItem(item);
                break;
            case Stage.Backward:
                if (j + 1 < _norms.Length)
                    _norms[j + 1].InputGradientItem(item);
                var reluBackward = ReluItemBuffer(_reluItemSizes[j]);
                _norms[j].NormalizeItem(item, reluBackward); // Conv j's input, as forward computed it
                _convs[j].BackwardItem(item, reluBackward);
                _norms[j].GradientSumsItem(item);
                break;
            default:
                _norms[0].InputGradientItem(item);
                int size = _blockGradient!.Length / _blockGradient.Dim(0);
                var dx = _blockGradient.Span.Slice(item * size, size);
                // The skip's gradient is dy itself: dx = dy + dF/dx, added in the order Residual uses.
                TensorPrimitives.Add(_skipGradient!.Span.Slice(item * size, size), dx, dx);
                break;
        }
    }

    private enum Stage
    {
        FirstStatistics,
        Forward,
        Backward,
        FirstInputGradient,
    }
}
