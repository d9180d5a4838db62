using DeepCnn.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace DeepCnn.Losses;

/// <summary>
/// Categorical cross-entropy with one-hot (or soft) targets, mean over the batch, as Keras.
/// </summary>
/// <remarks>
/// When the model ends in a softmax activation, <c>Sequential</c> computes this loss from the
/// logits with <see cref="FromLogits"/> (Keras does the same inside <c>fit</c>): a
/// stable log-softmax (rows on TensorPrimitives, the log-sum-exp in double), and dL/dz = (softmax(z) - t) / N. Given probabilities instead,
/// <see cref="Compute"/> follows Keras's fallback: renormalize each row to sum 1, clip to
/// [1e-7, 1 - 1e-7], then -sum t log p.
/// </remarks>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Keras's backend epsilon, the clip bound of the probability path.</summary>
    public const float Epsilon = 1e-7f;

    /// <inheritdoc/>
    public override string Name => "categorical_crossentropy";

    /// <inheritdoc/>
    public override double Compute(Tensor predictions, Tensor targets, Tensor? gradient)
    {
        RequireMatching(predictions, targets, gradient);
        int batch = predictions.Dim(0), classes = predictions.Length / batch;
        double total = 0;
        for (int n = 0; n < batch; n++)
        {
            var p = predictions.Sample(n);
            var t = targets.Sample(n);
            double sum = 0, sumT = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += p[c];
                sumT += t[c];
            }
            for (int c = 0; c < classes; c++)
            {
                double q = p[c] / sum;
                bool clipped = q < Epsilon || q > 1 - Epsilon;
                q = Math.Clamp(q, Epsilon, 1 - Epsilon);
                total -= t[c] * Math.Log(q);
                if (gradient is not null)
                {
                    // L = -sum_c t_c (log p_c - log S): dL/dp_j = -t_j / p_j + sum(t) / S, zero where clipped.
                    gradient.Sample(n)[c] = clipped ? 0f : (float)(((-t[c] / p[c]) + (sumT / sum)) / batch);
                }
            }
        }
        return total / batch;
    }

    /// <summary>
    /// The mean softmax cross-entropy of logits [N, K]: per row logsumexp(z) - sum_c t_c z_c
    /// (for targets that sum to 1). <paramref name="dLogits"/> receives (softmax(z) - t) / N.
    /// </summary>
    public static double FromLogits(Tensor logits, Tensor targets, Tensor? dLogits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        Tensor.RequireSameShape(logits, targets, "softmax cross-entropy: logits vs targets");
        int batch = logits.Dim(0), classes = logits.Length / batch;
        // exp(z - max) per row: the gradient row when one is wanted, else a scratch row (on the stack for up to 1,024 classes).
        Span<float> scratch = dLogits is not null ? default : classes <= 1024 ? stackalloc float[classes] : new float[classes];
        double total = 0;
        for (int n = 0; n < batch; n++)
        {
            var z = logits.Sample(n);
            var t = targets.Sample(n);
            var e = dLogits is not null ? dLogits.Sample(n) : scratch;
            float max = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, max, e);
            TensorPrimitives.Exp(e, e);
            double sumExp = TensorPrimitives.Sum(e);
            double logSumExp = max + Math.Log(sumExp);
            double sumT = TensorPrimitives.Sum(t);
            // -sum_c t_c (z_c - logSumExp)
            total -= TensorPrimitives.Dot(t, z) - (sumT * logSumExp);
            // dL/dz_c = (sum(t) * softmax(z)_c - t_c) / N
            if (dLogits is not null)
            {
                TensorPrimitives.Multiply(e, (float)(sumT / sumExp / batch), e);
                TensorPrimitives.MultiplyAdd(t, -1f / batch, e, e);
            }
        }
        return total / batch;
    }
}
