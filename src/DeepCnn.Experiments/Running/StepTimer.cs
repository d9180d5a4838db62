using System.Diagnostics;
using DeepCnn.Training;

namespace DeepCnn.Experiments.Running;

/// <summary>Measures the time spent in training steps alone (validation excluded), for ms/step.</summary>
internal sealed class StepTimer : ITrainingCallback
{
    private readonly Stopwatch _clock = new();
    private TimeSpan _epochStart;

    public TimeSpan Training { get; private set; }

    public int Steps { get; private set; }

    public double MillisecondsPerStep => Steps == 0 ? 0 : Training.TotalMilliseconds / Steps;

    public void OnEpochBegin(int epoch, int epochs, int steps)
    {
        _clock.Start();
        _epochStart = _clock.Elapsed;
    }

    public void OnBatchEnd(in BatchProgress progress)
    {
        Steps++;
        if (progress.Step == progress.Steps)
            Training += _clock.Elapsed - _epochStart;
    }

    public void OnEpochEnd(EpochRecord record, int epochs)
    {
        ArgumentNullException.ThrowIfNull(record);
        // An interrupted epoch ends before its last step: count its time too.
        if (record.Steps < Steps && _clock.IsRunning && Training == TimeSpan.Zero)
            Training = _clock.Elapsed - _epochStart;
    }
}
