namespace DeepCnn.Training;

/// <summary>Progress of one training step, for callbacks.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">1-based step within the epoch.</param>
/// <param name="Steps">Steps in this epoch.</param>
/// <param name="Loss">Running mean loss of the epoch so far.</param>
/// <param name="Accuracy">Running accuracy of the epoch so far.</param>
/// <param name="BatchLoss">This batch's loss.</param>
public readonly record struct BatchProgress(int Epoch, int Epochs, int Step, int Steps, double Loss, double Accuracy, double BatchLoss);

/// <summary>Hooks called by <c>Sequential.Fit</c>, as Keras callbacks. Every method has an empty default.</summary>
public interface ITrainingCallback
{
    /// <summary>Before the first step of an epoch.</summary>
    void OnEpochBegin(int epoch, int epochs, int steps)
    {
    }

    /// <summary>After every training step.</summary>
    void OnBatchEnd(in BatchProgress progress)
    {
    }

    /// <summary>After validation at the end of an epoch.</summary>
    void OnEpochEnd(EpochRecord record, int epochs)
    {
    }
}
