using System.Globalization;
using System.Text;
using DeepCnn.IO;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Diagnostics;

/// <summary>
/// Records, every <see cref="Every"/> training steps (and at step 0), per layer: the L2 norm of
/// each parameter's gradient, of the gradient flowing into the layer's input and out of its
/// output, the mean and standard deviation of its output, the fraction of ReLU outputs that are
/// zero, and the update-to-weight ratio. Attach it with <c>model.Observer = recorder</c>; it only
/// reads, so training is the same with or without it.
/// </summary>
public sealed class GradientFlowRecorder : IGradientObserver
{
    /// <summary>The default recording interval in steps.</summary>
    public const int DefaultEvery = 100;

    private readonly List<DiagnosticsSample> _samples = [];
    private readonly Dictionary<Parameter, float[]> _before = new(ReferenceEqualityComparer.Instance);
    private Sequential? _model;

    /// <summary>Records every <paramref name="every"/> steps.</summary>
    public GradientFlowRecorder(int every = DefaultEvery)
    {
        if (every < 1)
            throw new ArgumentOutOfRangeException(nameof(every), $"The recording interval must be at least 1 step, got {every}.");
        Every = every;
    }

    /// <summary>Steps between recordings.</summary>
    public int Every { get; }

    /// <summary>Everything recorded so far, in order.</summary>
    public IReadOnlyList<DiagnosticsSample> Samples => _samples;

    /// <summary>The steps that were recorded.</summary>
    public IEnumerable<long> RecordedSteps => _samples.Select(s => s.Step).Distinct();

    /// <inheritdoc/>
    public bool ShouldRecord(long step) => step % Every == 0;

    /// <inheritdoc/>
    public void OnLayerBackward(long step, int layerIndex, Tensor outputGradient, Tensor? inputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        string name = _model?.Layers[layerIndex].Name ?? layerIndex.ToString(CultureInfo.InvariantCulture);
        Add(step, layerIndex, name, DiagnosticsMetrics.OutputGradNorm, Norm(outputGradient.Span));
        if (inputGradient is not null)
            Add(step, layerIndex, name, DiagnosticsMetrics.InputGradNorm, Norm(inputGradient.Span));
    }

    /// <inheritdoc/>
    public void AfterBackward(long step, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        FixLayerNames(step, model);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            var y = model.LayerOutput(i).Span;
            var (mean, std) = MeanStd(y);
            Add(step, i, layer.Name, DiagnosticsMetrics.OutputMean, mean);
            Add(step, i, layer.Name, DiagnosticsMetrics.OutputStd, std);
            if (layer is ReLU || layer is ActivatedLayer { Activation: Activation.ReLU })
                Add(step, i, layer.Name, DiagnosticsMetrics.ReluZeroFraction, ZeroFraction(y));
            foreach (var p in layer.Parameters.Where(p => p.Trainable))
            {
                Add(step, i, layer.Name, DiagnosticsMetrics.GradNormPrefix + p.Name, Norm(p.Grad.Span));
                if (!_before.TryGetValue(p, out var copy))
                    _before[p] = copy = new float[p.Count];
                p.Value.Span.CopyTo(copy);
            }
        }
    }

    /// <inheritdoc/>
    public void AfterUpdate(long step, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            foreach (var p in layer.Parameters.Where(p => p.Trainable))
            {
                var before = _before[p];
                var after = p.Value.Span;
                double delta = 0, weight = 0;
                for (int k = 0; k < before.Length; k++)
                {
                    double d = after[k] - before[k];
                    delta += d * d;
                    weight += (double)before[k] * before[k];
                }
                Add(step, i, layer.Name, DiagnosticsMetrics.UpdateRatioPrefix + p.Name, weight == 0 ? double.NaN : Math.Sqrt(delta / weight));
            }
        }
    }

    /// <summary>The samples of one metric at one step, by layer index (NaN where absent).</summary>
    public double[] Profile(long step, string metric, int layerCount)
    {
        var values = Enumerable.Repeat(double.NaN, layerCount).ToArray();
        foreach (var s in _samples)
            if (s.Step == step && s.Metric == metric && s.LayerIndex < layerCount)
                values[s.LayerIndex] = s.Value;
        return values;
    }

    /// <summary>Writes <c>step,layer_index,layer_name,metric,value</c> rows, atomically.</summary>
    public void WriteCsv(string path)
    {
        var sb = new StringBuilder("step,layer_index,layer_name,metric,value\n");
        foreach (var s in _samples)
            sb.Append(s.Step.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(s.LayerIndex.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(s.LayerName).Append(',').Append(s.Metric).Append(',')
              .Append(s.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    // OnLayerBackward runs before AfterBackward binds the model on the first step; name those rows now.
    private void FixLayerNames(long step, Sequential model)
    {
        for (int k = _samples.Count - 1; k >= 0 && _samples[k].Step == step; k--)
        {
            var s = _samples[k];
            string name = model.Layers[s.LayerIndex].Name;
            if (s.LayerName != name)
                _samples[k] = s with { LayerName = name };
        }
    }

    private void Add(long step, int layer, string name, string metric, double value) =>
        _samples.Add(new DiagnosticsSample(step, layer, name, metric, value));

    /// <summary>L2 norm accumulated in double, so large activations do not overflow early.</summary>
    internal static double Norm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
            sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    private static (double Mean, double Std) MeanStd(ReadOnlySpan<float> values)
    {
        double sum = 0, sq = 0;
        foreach (float v in values)
        {
            sum += v;
            sq += (double)v * v;
        }
        double mean = sum / values.Length;
        return (mean, Math.Sqrt(Math.Max(0, (sq / values.Length) - (mean * mean))));
    }

    private static double ZeroFraction(ReadOnlySpan<float> values)
    {
        int zeros = 0;
        foreach (float v in values)
            if (v == 0f)
                zeros++;
        return (double)zeros / values.Length;
    }
}
