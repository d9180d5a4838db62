using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DeepCnn.Training;

/// <summary>
/// Keras's verbose=1 progress output: <c>Epoch 1/4</c>, then
/// <c>800/800 [==============================] - 5s 6ms/step - loss: 0.6914 - accuracy: 0.7836 - val_loss: ... - val_accuracy: ...</c>.
/// On a terminal the line updates in place with an ETA; when output is redirected only the final
/// line of each epoch is written.
/// </summary>
public sealed class KerasProgressBar : ITrainingCallback
{
    private const int Width = 30;
    private static readonly TimeSpan UpdateInterval = TimeSpan.FromMilliseconds(50);
    private readonly TextWriter _writer;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = new();
    private TimeSpan _afterFirstStep, _lastUpdate;
    private int _steps;
    private int _previousLength;

    /// <summary>Writes to <paramref name="writer"/> (the console by default); updates in place when <paramref name="interactive"/> (default: the console is a terminal).</summary>
    public KerasProgressBar(TextWriter? writer = null, bool? interactive = null)
    {
        _writer = writer ?? Console.Out;
        _interactive = interactive ?? (writer is null && !Console.IsOutputRedirected);
    }

    /// <inheritdoc/>
    public void OnEpochBegin(int epoch, int epochs, int steps)
    {
        if (epochs > 1)
            _writer.WriteLine($"Epoch {epoch}/{epochs}");
        _steps = steps;
        _previousLength = 0;
        _lastUpdate = TimeSpan.Zero;
        _clock.Restart();
    }

    /// <inheritdoc/>
    public void OnBatchEnd(in BatchProgress progress)
    {
        if (progress.Step == 1)
            _afterFirstStep = _clock.Elapsed;
        if (!_interactive || progress.Step == progress.Steps || _clock.Elapsed - _lastUpdate < UpdateInterval)
            return;
        _lastUpdate = _clock.Elapsed;
        double perStep = progress.Step > 1 ? (_clock.Elapsed - _afterFirstStep).TotalSeconds / (progress.Step - 1) : _clock.Elapsed.TotalSeconds;
        var line = new StringBuilder(Counter(progress.Step, progress.Steps))
            .Append(" - ETA: ").Append(Eta(perStep * (progress.Steps - progress.Step)))
            .Append(Metric("loss", progress.Loss)).Append(Metric("accuracy", progress.Accuracy));
        Overwrite(line.ToString());
    }

    /// <inheritdoc/>
    public void OnEpochEnd(EpochRecord record, int epochs)
    {
        ArgumentNullException.ThrowIfNull(record);
        double elapsed = _clock.Elapsed.TotalSeconds;
        // Keras 2.4 leaves the first step (graph tracing, warm-up) out of the per-step time.
        double perStep = record.Steps > 1 ? (_clock.Elapsed - _afterFirstStep).TotalSeconds / (record.Steps - 1) : elapsed;
        var line = new StringBuilder(Counter(record.Steps, Math.Max(record.Steps, _steps)))
            .Append(" - ").Append(elapsed.ToString("F0", CultureInfo.InvariantCulture)).Append('s')
            .Append(' ').Append(PerStep(perStep))
            .Append(Metric("loss", record.Loss)).Append(Metric("accuracy", record.Accuracy));
        if (record.ValLoss is double vl)
            line.Append(Metric("val_loss", vl));
        if (record.ValAccuracy is double va)
            line.Append(Metric("val_accuracy", va));
        Overwrite(line.ToString());
        _writer.WriteLine();
        _writer.Flush();
    }

    /// <summary>The "current/target [=====>....]" part, as Keras's Progbar draws it.</summary>
    public static string Counter(int current, int target)
    {
        int digits = (int)Math.Floor(Math.Log10(Math.Max(1, target))) + 1;
        var sb = new StringBuilder();
        sb.Append(current.ToString(CultureInfo.InvariantCulture).PadLeft(digits)).Append('/').Append(target).Append(" [");
        int progress = (int)(Width * (double)current / target);
        if (progress > 0)
        {
            sb.Append('=', progress - 1);
            sb.Append(current < target ? '>' : '=');
        }
        sb.Append('.', Width - progress).Append(']');
        return sb.ToString();
    }

    /// <summary>" - name: 0.1234", or in exponent form for magnitudes at most 1e-3, as Keras.</summary>
    public static string Metric(string name, double value) =>
        $" - {name}: " + (Math.Abs(value) > 1e-3 || value == 0 || double.IsNaN(value)
            ? value.ToString("F4", CultureInfo.InvariantCulture)
            : value.ToString("0.0000e+00", CultureInfo.InvariantCulture));

    private static string PerStep(double seconds) => seconds switch
    {
        >= 1 or 0 => $"{seconds.ToString("F0", CultureInfo.InvariantCulture)}s/step",
        >= 1e-3 => $"{(seconds * 1e3).ToString("F0", CultureInfo.InvariantCulture)}ms/step",
        _ => $"{(seconds * 1e6).ToString("F0", CultureInfo.InvariantCulture)}us/step",
    };

    private static string Eta(double seconds)
    {
        int s = (int)seconds;
        return s > 3600 ? $"{s / 3600}:{s % 3600 / 60:00}:{s % 60:00}" : s > 60 ? $"{s / 60}:{s % 60:00}" : $"{s}s";
    }

    private void Overwrite(string line)
    {
        if (_interactive)
        {
            _writer.Write('\r');
            _writer.Write(line.PadRight(_previousLength));
            _previousLength = line.Length;
        }
        else
        {
            _writer.Write(line);
        }
        _writer.Flush();
    }
}
