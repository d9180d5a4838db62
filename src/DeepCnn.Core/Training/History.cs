namespace DeepCnn.Training;

/// <summary>One epoch's results, as Keras logs them.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss over the epoch's batches (weighted by batch size).</param>
/// <param name="Accuracy">Fraction of training samples classified correctly during the epoch.</param>
/// <param name="ValLoss">Validation loss at the end of the epoch (inference mode), if any.</param>
/// <param name="ValAccuracy">Validation accuracy at the end of the epoch, if any.</param>
/// <param name="Seconds">Wall time of the epoch including validation.</param>
/// <param name="Steps">Training steps run.</param>
public sealed record EpochRecord(int Epoch, double Loss, double Accuracy, double? ValLoss, double? ValAccuracy, double Seconds, int Steps);

/// <summary>What <c>Fit</c> returns: the per-epoch records, like Keras's <c>History.history</c>.</summary>
public sealed class History
{
    private readonly List<EpochRecord> _epochs = [];

    /// <summary>The completed epochs in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>True when training was stopped (cancelled) before all epochs completed.</summary>
    public bool Interrupted { get; internal set; }

    /// <summary>A metric per epoch by Keras key: <c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>seconds</c>.</summary>
    public IReadOnlyList<double> this[string key] => key switch
    {
        "loss" => _epochs.Select(e => e.Loss).ToList(),
        "accuracy" => _epochs.Select(e => e.Accuracy).ToList(),
        "val_loss" => _epochs.Select(e => e.ValLoss ?? double.NaN).ToList(),
        "val_accuracy" => _epochs.Select(e => e.ValAccuracy ?? double.NaN).ToList(),
        "seconds" => _epochs.Select(e => e.Seconds).ToList(),
        _ => throw new KeyNotFoundException($"History has no metric '{key}': use loss, accuracy, val_loss, val_accuracy or seconds."),
    };

    internal void Add(EpochRecord record) => _epochs.Add(record);
}
