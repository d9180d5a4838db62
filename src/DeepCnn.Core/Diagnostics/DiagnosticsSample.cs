namespace DeepCnn.Diagnostics;

/// <summary>One number the recorder captured: a metric of one layer at one training step.</summary>
/// <param name="Step">0-based training step.</param>
/// <param name="LayerIndex">Position of the layer in the model.</param>
/// <param name="LayerName">The layer's name.</param>
/// <param name="Metric">
/// <c>output_mean</c>, <c>output_std</c>, <c>relu_zero_fraction</c>, <c>output_grad_norm</c>,
/// <c>input_grad_norm</c>, <c>grad_norm:PARAM</c> or <c>update_ratio:PARAM</c> (PARAM e.g. <c>kernel</c>).
/// </param>
/// <param name="Value">The value (may be NaN or infinite when training blew up).</param>
public sealed record DiagnosticsSample(long Step, int LayerIndex, string LayerName, string Metric, double Value);

/// <summary>The metric names the recorder uses.</summary>
public static class DiagnosticsMetrics
{
    /// <summary>Mean of the layer's output over the batch.</summary>
    public const string OutputMean = "output_mean";

    /// <summary>Standard deviation of the layer's output over the batch.</summary>
    public const string OutputStd = "output_std";

    /// <summary>Fraction of a ReLU output that is exactly zero.</summary>
    public const string ReluZeroFraction = "relu_zero_fraction";

    /// <summary>L2 norm of dL/d(layer output) (dL/d(logits) for a softmax output).</summary>
    public const string OutputGradNorm = "output_grad_norm";

    /// <summary>L2 norm of dL/d(layer input), the gradient that flows on toward the input.</summary>
    public const string InputGradNorm = "input_grad_norm";

    /// <summary>Prefix of the L2 norm of a parameter's gradient.</summary>
    public const string GradNormPrefix = "grad_norm:";

    /// <summary>Prefix of ||w_after - w_before|| / ||w_before|| of a parameter.</summary>
    public const string UpdateRatioPrefix = "update_ratio:";
}
