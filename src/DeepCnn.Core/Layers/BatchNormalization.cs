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
        int batch = x.Dim(0), channels = Channels, spatial = Spatial;
        var xs = x.Span;
        var ys = y.Span;
        var gamma = Gamma.Value.Span;
        var beta = Beta.Value.Span;
        var invStd = ScratchTensor.Grow(ref _invStd, channels);
        if (!training)
        {
            var mm = MovingMean.Value.Span;
            var mv = MovingVariance.Value.Span;
            for (int c = 0; c < channels; c++)
            {
                invStd[c] = (float)(1.0 / Math.Sqrt(mv[c] + Epsilon));
                float scale = gamma[c] * invStd[c];
                float shift = beta[c] - (mm[c] * scale);
                for (int n = 0; n < batch; n++)
                {
                    int start = ((n * channels) + c) * spatial;
                    for (int s = start; s < start + spatial; s++)
                        ys[s] = (xs[s] * scale) + shift;
                }
            }
            return;
        }

        var xhat = ScratchTensor.Grow(ref _xhat, x.Length);
        int m = batch * spatial;
        // The fused image kernel feeds the unbiased variance to the moving average; vectors do not.
        double bessel = InputShape.Length == 3 && m > 1 ? m / (m - 1.0) : 1.0;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int n = 0; n < batch; n++)
            {
                int start = ((n * channels) + c) * spatial;
                for (int s = start; s < start + spatial; s++)
                    sum += xs[s];
            }
            double mean = sum / m;
            double sq = 0;
            for (int n = 0; n < batch; n++)
            {
                int start = ((n * channels) + c) * spatial;
                for (int s = start; s < start + spatial; s++)
                {
                    double d = xs[s] - mean;
                    sq += d * d;
                }
            }
            double variance = sq / m;
            float inv = (float)(1.0 / Math.Sqrt(variance + Epsilon));
            invStd[c] = inv;
            for (int n = 0; n < batch; n++)
            {
                int start = ((n * channels) + c) * spatial;
                for (int s = start; s < start + spatial; s++)
                {
                    float h = (float)((xs[s] - mean) * inv);
                    xhat[s] = h;
                    ys[s] = (gamma[c] * h) + beta[c];
                }
            }
            var mmean = MovingMean.Value.Span;
            var mvar = MovingVariance.Value.Span;
            mmean[c] = (float)((mmean[c] * Momentum) + (mean * (1 - Momentum)));
            mvar[c] = (float)((mvar[c] * Momentum) + (variance * bessel * (1 - Momentum)));
        }
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        int batch = x.Dim(0), channels = Channels, spatial = Spatial;
        int m = batch * spatial;
        var dys = dy.Span;
        var gamma = Gamma.Value.Span;
        var dgamma = Gamma.Grad.Span;
        var dbeta = Beta.Grad.Span;
        var invStd = _invStd.AsSpan(0, channels);
        var xs = x.Span;
        var mm = MovingMean.Value.Span;
        for (int c = 0; c < channels; c++)
        {
            // Term sums: sum dy and sum dy * xhat over the channel.
            double sumDy = 0, sumDyXhat = 0;
            for (int n = 0; n < batch; n++)
            {
                int start = ((n * channels) + c) * spatial;
                for (int s = start; s < start + spatial; s++)
                {
                    float h = _lastTraining ? _xhat[s] : (xs[s] - mm[c]) * invStd[c];
                    sumDy += dys[s];
                    sumDyXhat += dys[s] * h;
                }
            }
            dbeta[c] += (float)sumDy;
            dgamma[c] += (float)sumDyXhat;
            if (dx is null)
                continue;
            var dxs = dx.Span;
            float g = gamma[c] * invStd[c];
            for (int n = 0; n < batch; n++)
            {
                int start = ((n * channels) + c) * spatial;
                for (int s = start; s < start + spatial; s++)
                {
                    // Inference mode: the statistics are constants, so dx = gamma * invStd * dy.
                    dxs[s] = _lastTraining
                        ? (float)(g * (dys[s] - (sumDy / m) - (_xhat[s] * sumDyXhat / m)))
                        : g * dys[s];
                }
            }
        }
    }
}
