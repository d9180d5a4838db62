using DeepCnn.Tensors;

namespace DeepCnn.Losses;

/// <summary>
/// Categorical cross-entropy with one-hot (or soft) targets, mean over the batch, as Keras.
/// </summary>
/// <remarks>
/// When the model ends in a softmax activation, <c>Sequential</c> computes this loss from the
/// logits with <see cref="FromLogits"/> (Keras does the same inside <c>fit</c>): an exact,
/// stable log-softmax, and dL/dz = (softmax(z) - t) / N. Given probabilities instead,
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
        double total = 0;
        for (int n = 0; n < batch; n++)
        {
            var z = logits.Sample(n);
            var t = targets.Sample(n);
            float max = float.NegativeInfinity;
            foreach (float v in z)
                max = Math.Max(max, v);
            double sumExp = 0;
            foreach (float v in z)
                sumExp += Math.Exp(v - max);
            double logSumExp = max + Math.Log(sumExp);
            double sumT = 0;
            for (int c = 0; c < classes; c++)
            {
                total -= t[c] * (z[c] - logSumExp);
                sumT += t[c];
            }
            if (dLogits is not null)
            {
                var d = dLogits.Sample(n);
                for (int c = 0; c < classes; c++)
                    d[c] = (float)(((sumT * Math.Exp(z[c] - logSumExp)) - t[c]) / batch);
            }
        }
        return total / batch;
    }
}
