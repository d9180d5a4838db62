using DeepCnn.Kernels;
using DeepCnn.Parallel;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// Batch normalization over the channel axis, as Keras's BatchNormalization (momentum 0.99,
/// epsilon 1e-3; gamma 1, beta 0, moving mean 0, moving variance 1).
/// Input [N, C, H, W] (statistics per channel over N, H, W) or [N, F] (per feature over N).
/// </summary>
/// <remarks>
/// Training: xhat = (x - mean_B) / sqrt(var_B + eps) with the biased batch variance;
/// y = gamma * xhat + beta; moving = moving * momentum + stat * (1 - momentum). For images Keras
/// runs the fused kernel, which feeds the Bessel-corrected variance var_B * m / (m - 1)
/// (m = N*H*W) into the moving variance; vectors use var_B as is.
/// Inference: y = gamma * (x - moving_mean) / sqrt(moving_var + eps) + beta.
/// Backward (training), per channel with m elements:
/// dbeta = sum dy; dgamma = sum dy * xhat;
/// dx = gamma / sqrt(var_B + eps) / m * (m * dy - sum dy - xhat * sum(dy * xhat)).
/// </remarks>
public sealed class BatchNormalization : Layer
{
    // Per channel, the mean and 1/sqrt(var + eps) the last forward normalized with; backward
    // recomputes xhat from them and x instead of keeping a tensor of it.
    private float[] _mean = [];
    private float[] _invStd = [];
    private bool _lastTraining;
    // Per channel, the coefficients of dx (backward).
    private float[] _slope = [], _gradientShift = [];
    private double[] _partials = [];
    private readonly ItemWork _work = new();

    // Elements below which a pass runs on one thread (about 10 us of work).
    private const int ParallelThreshold = 16_384;

    /// <summary>Creates the layer with Keras's defaults.</summary>
    public BatchNormalization(double momentum = 0.99, double epsilon = 1e-3)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), $"BatchNormalization momentum must be in [0, 1], got {momentum}.");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"BatchNormalization epsilon must be positive, got {epsilon}.");
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Weight of the old value in the moving averages.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Scale [C], trainable.</summary>
    public Parameter Gamma { get; private set; } = null!;

    /// <summary>Shift [C], trainable.</summary>
    public Parameter Beta { get; private set; } = null!;

    /// <summary>Moving mean [C], non-trainable.</summary>
    public Parameter MovingMean { get; private set; } = null!;

    /// <summary>Moving variance [C], non-trainable.</summary>
    public Parameter MovingVariance { get; private set; } = null!;

    /// <inheritdoc/>
    public override string TypeName => "BatchNormalization";

    /// <inheritdoc/>
    public override string NamePrefix => "batch_normalization";

    private int Channels => InputShape[0];

    private int Spatial => SampleSize(InputShape) / InputShape[0];

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length is not (1 or 3))
            throw new ShapeMismatchException($"BatchNormalization needs an image or vector input, got {ShapeFormat.FormatKerasBatch(inputShape)}.");
        return (int[])inputShape.Clone();
    }

    /// <inheritdoc/>
    protected override void CreateParameters(Rng rng)
    {
        int c = InputShape[0];
        var ones = new Tensor(c);
        ones.Fill(1f);
        var movingVar = new Tensor(c);
        movingVar.Fill(1f);
        Gamma = AddParameter("gamma", ones);
        Beta = AddParameter("beta", new Tensor(c));
        MovingMean = AddParameter("moving_mean", new Tensor(c), trainable: false);
        MovingVariance = AddParameter("moving_variance", movingVar, trainable: false);
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training) => RunForward(x, y, training, relu: false);

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx) => RunBackward(x, dy, dx, relu: false);

    /// <summary>
    /// This layer followed by a ReLU in one pass: writes relu(y) into <paramref name="reluOutput"/>
    /// and never materializes y. Bit-identical to <see cref="Forward(Tensor, Tensor, bool)"/> then <see cref="ReLU.Forward"/>.
    /// </summary>
    internal void ForwardRelu(Tensor x, Tensor reluOutput, bool training) => RunForward(x, reluOutput, training, relu: true);

    /// <summary>
    /// Backward through this layer and the ReLU fused after it by <see cref="ForwardRelu"/>, from the
    /// gradient at the ReLU's output: the mask dz = dy where relu(y) &gt; 0 is recomputed from x inside the BatchNorm passes.
    /// </summary>
    internal void BackwardRelu(Tensor x, Tensor dy, Tensor? dx) => RunBackward(x, dy, dx, relu: true);

    /// <summary>
    /// Writes again the output of the last forward (relu(y) when <paramref name="relu"/>) from its input
    /// and the statistics it used, bit-identical, for callers that did not keep it.
    /// </summary>
    internal void RecomputeOutput(Tensor x, Tensor y, bool relu)
    {
        RequireShapes(x, y);
        _work.Set(this, x, y, dy: null, dx: null, relu);
        RunItems(Phase.Normalize, x.Dim(0));
        _work.Clear();
    }

    private void RunForward(Tensor x, Tensor y, bool training, bool relu)
    {
        BeginForwardItems(x, y, training, relu);
        if (training)
        {
            RunItems(Phase.Statistics, x.Dim(0));
            FinishStatistics();
        }
        RunItems(Phase.Normalize, x.Dim(0));
        _work.Clear();
    }

    private void RunBackward(Tensor x, Tensor dy, Tensor? dx, bool relu)
    {
        BeginBackwardItems(x, dy, dx, relu);
        RunItems(Phase.GradientSums, x.Dim(0));
        FinishGradientSums();
        if (dx is not null)
            RunItems(Phase.InputGradient, x.Dim(0));
        _work.Clear();
    }

    // The item passes below let a residual block run this layer item by item inside a parallel loop
    // of its own, fused with its neighbours. Forward: BeginForwardItems, StatisticsItem for every item
    // and FinishStatistics (training only), NormalizeItem for every item, EndItems. Backward:
    // BeginBackwardItems, GradientSumsItem for every item, FinishGradientSums, InputGradientItem for
    // every item, EndItems. The Finish steps add the items' partial sums in item order.

    /// <summary>Sets up a forward pass (y, or relu(y) when <paramref name="relu"/>); in inference the statistics are the moving ones.</summary>
    internal void BeginForwardItems(Tensor x, Tensor y, bool training, bool relu)
    {
        RequireShapes(x, y);
        int channels = Channels;
        _lastTraining = training;
        ScratchTensor.Grow(ref _mean, channels);
        ScratchTensor.Grow(ref _invStd, channels);
        _work.Set(this, x, y, dy: null, dx: null, relu);
        if (training)
            ScratchTensor.Grow(ref _partials, 2 * x.Dim(0) * channels);
        else
        {
            for (int c = 0; c < channels; c++)
            {
                _mean[c] = MovingMean.Value[c];
                _invStd[c] = (float)(1.0 / Math.Sqrt(MovingVariance.Value[c] + Epsilon));
            }
        }
    }

    /// <summary>Item <paramref name="item"/>'s per-channel sums for the batch statistics (training).</summary>
    internal void StatisticsItem(int item) => _work.ExecuteItem(Phase.Statistics, item);

    /// <summary>
    /// The batch statistics from the items' sums, and the moving averages' update. Each item's sums
    /// are shifted by its own first value (see <see cref="ExecuteItem"/>); the items' means and squared
    /// deviations are merged in item order with Chan et al.'s pairwise update, in double.
    /// </summary>
    internal void FinishStatistics()
    {
        int batch = _work.Batch, channels = Channels, spatial = Spatial, m = batch * spatial;
        var xs = _work.Input;
        // Keras's fused image kernel feeds the unbiased variance to the moving average; vectors do not.
        double bessel = InputShape.Length == 3 && m > 1 ? m / (m - 1.0) : 1.0;
        for (int c = 0; c < channels; c++)
        {
            double mean = 0, squaredDeviations = 0;
            for (int n = 0; n < batch; n++)
            {
                int at = 2 * ((n * channels) + c);
                double sum = _partials[at], sumOfSquares = _partials[at + 1];
                double itemMean = xs[((n * channels) + c) * spatial] + (sum / spatial);
                double itemDeviations = Math.Max(0, sumOfSquares - (sum * sum / spatial));
                double delta = itemMean - mean, before = (double)n * spatial, after = before + spatial;
                mean += delta * spatial / after;
                squaredDeviations += itemDeviations + (delta * delta * before * spatial / after);
            }
            double variance = squaredDeviations / m;
            ref float mm = ref MovingMean.Value[c];
            ref float mv = ref MovingVariance.Value[c];
            mm = (float)((mm * Momentum) + (mean * (1 - Momentum)));
            mv = (float)((mv * Momentum) + (variance * bessel * (1 - Momentum)));
            _mean[c] = (float)mean;
            _invStd[c] = (float)(1.0 / Math.Sqrt(variance + Epsilon));
        }
    }

    /// <summary>Item <paramref name="item"/>'s output.</summary>
    internal void NormalizeItem(int item) => _work.ExecuteItem(Phase.Normalize, item);

    /// <summary>
    /// Item <paramref name="item"/>'s output (relu(y) if the pass has the ReLU fused) written into
    /// <paramref name="destination"/> ([C, H, W]) instead of the output tensor; in a backward pass, the
    /// forward's output recomputed from x, for a caller that did not keep it.
    /// </summary>
    internal void NormalizeItem(int item, Span<float> destination) => _work.NormalizeItem(item, destination);

    /// <summary>Sets up a backward pass from dy (at the fused ReLU's output when <paramref name="relu"/>).</summary>
    internal void BeginBackwardItems(Tensor x, Tensor dy, Tensor? dx, bool relu)
    {
        RequireShapes(x, dy);
        if (_invStd.Length < Channels)
            throw new InvalidOperationException($"{Name}: backward needs a forward pass first.");
        _work.Set(this, x, y: null, dy, dx, relu);
        ScratchTensor.Grow(ref _partials, 2 * x.Dim(0) * Channels);
    }

    /// <summary>Item <paramref name="item"/>'s per-channel sums of dz and dz * xhat.</summary>
    internal void GradientSumsItem(int item) => _work.ExecuteItem(Phase.GradientSums, item);

    /// <summary>gamma's and beta's gradients from the items' sums, and the coefficients of dx.</summary>
    internal void FinishGradientSums()
    {
        int batch = _work.Batch, m = batch * Spatial;
        // Per channel, dx = g * dz + slope * xhat + shift (training); the statistics are constants in inference.
        var slope = ScratchTensor.Grow(ref _slope, Channels);
        var shift = ScratchTensor.Grow(ref _gradientShift, Channels);
        for (int c = 0; c < Channels; c++)
        {
            var (sumDy, sumDyXhat) = ReducePartials(c, batch);
            Beta.Grad[c] += (float)sumDy;
            Gamma.Grad[c] += (float)sumDyXhat;
            float g = Gamma.Value[c] * _invStd[c];
            shift[c] = _lastTraining ? (float)(-g * sumDy / m) : 0f;
            slope[c] = _lastTraining ? (float)(-g * sumDyXhat / m) : 0f;
        }
    }

    /// <summary>Item <paramref name="item"/>'s input gradient.</summary>
    internal void InputGradientItem(int item) => _work.ExecuteItem(Phase.InputGradient, item);

    /// <summary>Ends a pass run item by item.</summary>
    internal void EndItems() => _work.Clear();

    // Items are independent within a phase, each writing its own partial sums, which ReducePartials
    // adds in item order, so any thread count gives the same bits. Each item is a contiguous block of
    // memory, which the hardware prefetchers stream. Small tensors stay on the caller, where waking
    // the pool would cost more than the work.
    private void RunItems(Phase phase, int batch)
    {
        _work.Phase = phase;
        // A phase is a few microseconds: one chunk of consecutive items per thread, since claiming a
        // chunk costs a cache-line transfer between cores. Chunking does not change what an item computes.
        _work.Chunks = batch * SampleSize(InputShape) >= ParallelThreshold ? Math.Min(Compute.ThreadCount, batch) : 1;
        if (_work.Chunks > 1)
            Compute.For(_work, _work.Chunks);
        else
            _work.Execute(0);
    }

    // Channel c's two sums over the batch: the items' partials, added in item order.
    private (double A, double B) ReducePartials(int c, int batch)
    {
        double a = 0, b = 0;
        for (int n = 0; n < batch; n++)
        {
            int at = 2 * ((n * Channels) + c);
            a += _partials[at];
            b += _partials[at + 1];
        }
        return (a, b);
    }

    // One item, every channel: the phase's pass over its contiguous [C, H*W] block. outs is the
    // item's output (Normalize) or dx (InputGradient), already sliced to the item.
    private void ExecuteItem(Phase phase, int n, ReadOnlySpan<float> xs, ReadOnlySpan<float> dys, Span<float> outs, bool relu)
    {
        int channels = Channels, spatial = Spatial;
        for (int c = 0; c < channels; c++)
        {
            int start = ((n * channels) + c) * spatial, at = 2 * ((n * channels) + c);
            var x = xs.Slice(start, spatial);
            float gamma = Gamma.Value[c], beta = Beta.Value[c];
            switch (phase)
            {
                case Phase.Statistics:
                    // Shifted by the segment's first value, a sample near its mean: E[d^2] - E[d]^2 stays accurate for any offset.
                    (_partials[at], _partials[at + 1]) = BatchNormKernels.ShiftedSums(x, x[0]);
                    break;
                case Phase.Normalize:
                    BatchNormKernels.Normalize(x, _mean[c], _invStd[c], gamma, beta, outs.Slice(c * spatial, spatial), relu);
                    break;
                case Phase.GradientSums:
                    (_partials[at], _partials[at + 1]) = BatchNormKernels.GradientSums(dys.Slice(start, spatial), x,
                        _mean[c], _invStd[c], gamma, beta, relu);
                    break;
                default:
                    BatchNormKernels.InputGradient(dys.Slice(start, spatial), x, _mean[c], _invStd[c], gamma, beta, relu,
                        gamma * _invStd[c], _slope[c], _gradientShift[c], outs.Slice(c * spatial, spatial));
                    break;
            }
        }
    }

    private enum Phase
    {
        Statistics,
        Normalize,
        GradientSums,
        InputGradient,
    }

    /// <summary>The loop body handed to the worker pool, chunk i being a run of consecutive items; one reused instance, so no allocation per call.</summary>
    private sealed class ItemWork : IParallelWork
    {
        private BatchNormalization? _layer;
        private Tensor? _x, _y, _dy, _dx;
        private bool _relu;

        public Phase Phase;
        public int Chunks;

        public int Batch => _x!.Dim(0);

        public ReadOnlySpan<float> Input => _x!.Span;

        // Forward: y is the output (relu(y) when the ReLU is fused). Backward: dy and dx.
        public void Set(BatchNormalization layer, Tensor x, Tensor? y, Tensor? dy, Tensor? dx, bool relu) =>
            (_layer, _x, _y, _dy, _dx, _relu) = (layer, x, y, dy, dx, relu);

        public void Clear() => (_layer, _x, _y, _dy, _dx) = (null, null, null, null, null);

        public void Execute(int index)
        {
            int batch = Batch;
            for (int n = index * batch / Chunks, end = (index + 1) * batch / Chunks; n < end; n++)
                ExecuteItem(Phase, n);
        }

        public void ExecuteItem(Phase phase, int item)
        {
            var outs = phase switch
            {
                Phase.Normalize => ItemOf(_y!, item),
                Phase.InputGradient when _dx is not null => ItemOf(_dx, item),
                _ => Span<float>.Empty,
            };
            _layer!.ExecuteItem(phase, item, _x!.Span, _dy is null ? default : _dy.Span, outs, _relu);
        }

        public void NormalizeItem(int item, Span<float> destination)
        {
            int size = _x!.Length / Batch;
            if (destination.Length != size)
                throw new ArgumentException($"{_layer!.Name}: an item's output has {size} values, the destination {destination.Length}.", nameof(destination));
            _layer!.ExecuteItem(Phase.Normalize, item, _x.Span, default, destination, _relu);
        }

        private static Span<float> ItemOf(Tensor t, int item)
        {
            int size = t.Length / t.Dim(0);
            return t.Span.Slice(item * size, size);
        }
    }
}
