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
    private float[] _xhat = [];
    private float[] _invStd = [];
    private bool _lastTraining;
    private readonly ChannelWork _work = new();

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
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        _lastTraining = training;
        ScratchTensor.Grow(ref _invStd, Channels);
        ScratchTensor.Grow(ref _xhat, x.Length);
        _work.Set(this, x, y, dy: null, dx: null, forward: true);
        RunChannels(x.Length);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        _work.Set(this, x, y, dy, dx, forward: false);
        RunChannels(x.Length);
    }

    // Channels are independent: one work item each, so any thread count gives the same bits. Small
    // tensors stay on the caller, where waking the pool would cost more than the work.
    private void RunChannels(int elements)
    {
        if (elements >= ParallelThreshold)
            Compute.For(_work, Channels);
        else
            for (int c = 0; c < Channels; c++)
                _work.Execute(c);
        _work.Clear();
    }

    // One channel's forward: statistics over its N segments of H*W values, then xhat and y.
    private void ForwardChannel(int c, ReadOnlySpan<float> xs, Span<float> ys)
    {
        int batch = xs.Length / SampleSize(InputShape), channels = Channels, spatial = Spatial;
        int m = batch * spatial;
        var xhat = _xhat.AsSpan(0, xs.Length);
        float gamma = Gamma.Value[c], beta = Beta.Value[c];
        double mean, variance;
        if (_lastTraining)
        {
            float shift = xs[c * spatial];
            double sum = 0, sq = 0;
            for (int n = 0; n < batch; n++)
            {
                var (segmentSum, segmentSq) = BatchNormKernels.ShiftedSums(xs.Slice(((n * channels) + c) * spatial, spatial), shift);
                sum += segmentSum;
                sq += segmentSq;
            }
            double shiftedMean = sum / m;
            mean = shift + shiftedMean;
            variance = Math.Max(0, (sq / m) - (shiftedMean * shiftedMean));
            // The fused image kernel feeds the unbiased variance to the moving average; vectors do not.
            double bessel = InputShape.Length == 3 && m > 1 ? m / (m - 1.0) : 1.0;
            ref float mm = ref MovingMean.Value[c];
            ref float mv = ref MovingVariance.Value[c];
            mm = (float)((mm * Momentum) + (mean * (1 - Momentum)));
            mv = (float)((mv * Momentum) + (variance * bessel * (1 - Momentum)));
        }
        else
        {
            mean = MovingMean.Value[c];
            variance = MovingVariance.Value[c];
        }
        float inv = (float)(1.0 / Math.Sqrt(variance + Epsilon));
        _invStd[c] = inv;
        for (int n = 0; n < batch; n++)
        {
            int start = ((n * channels) + c) * spatial;
            BatchNormKernels.Normalize(xs.Slice(start, spatial), (float)mean, inv, gamma, beta, xhat.Slice(start, spatial), ys.Slice(start, spatial));
        }
    }

    // One channel's backward. Training: dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat));
    // inference: the statistics are constants, so dx = gamma * invStd * dy.
    private void BackwardChannel(int c, ReadOnlySpan<float> dys, Span<float> dxs)
    {
        int batch = dys.Length / SampleSize(InputShape), channels = Channels, spatial = Spatial;
        int m = batch * spatial;
        var xhat = _xhat.AsSpan(0, dys.Length);
        double sumDy = 0, sumDyXhat = 0;
        for (int n = 0; n < batch; n++)
        {
            int start = ((n * channels) + c) * spatial;
            var (segmentDy, segmentDyXhat) = BatchNormKernels.GradientSums(dys.Slice(start, spatial), xhat.Slice(start, spatial));
            sumDy += segmentDy;
            sumDyXhat += segmentDyXhat;
        }
        Beta.Grad[c] += (float)sumDy;
        Gamma.Grad[c] += (float)sumDyXhat;
        if (dxs.IsEmpty)
            return;
        float g = Gamma.Value[c] * _invStd[c];
        float shift = _lastTraining ? (float)(-g * sumDy / m) : 0f;
        float slope = _lastTraining ? (float)(-g * sumDyXhat / m) : 0f;
        for (int n = 0; n < batch; n++)
        {
            int start = ((n * channels) + c) * spatial;
            BatchNormKernels.InputGradient(dys.Slice(start, spatial), xhat.Slice(start, spatial), g, slope, shift, dxs.Slice(start, spatial));
        }
    }

    /// <summary>The per-channel loop body handed to the worker pool; one reused instance, so no allocation per call.</summary>
    private sealed class ChannelWork : IParallelWork
    {
        private BatchNormalization? _layer;
        private Tensor? _x, _y, _dy, _dx;
        private bool _forward;

        public void Set(BatchNormalization layer, Tensor x, Tensor y, Tensor? dy, Tensor? dx, bool forward) =>
            (_layer, _x, _y, _dy, _dx, _forward) = (layer, x, y, dy, dx, forward);

        public void Clear() => (_layer, _x, _y, _dy, _dx) = (null, null, null, null, null);

        public void Execute(int index)
        {
            if (_forward)
                _layer!.ForwardChannel(index, _x!.Span, _y!.Span);
            else
                _layer!.BackwardChannel(index, _dy!.Span, _dx is null ? Span<float>.Empty : _dx.Span);
        }
    }
}
