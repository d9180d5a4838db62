namespace DeepCnn.Training;

/// <summary>Thrown when the training loss becomes NaN or infinite; names where it happened.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a loss at a 1-based epoch and step.</summary>
    public TrainingDivergedException(int epoch, int step, double loss)
        : base($"Training diverged: the loss became {(double.IsNaN(loss) ? "NaN" : "infinite")} at epoch {epoch}, step {step}. The weights are no longer meaningful; lower the learning rate or check the initialization and the inputs.")
    {
        Epoch = epoch;
        Step = step;
        LossValue = loss;
    }

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>1-based step within the epoch.</summary>
    public int Step { get; }

    /// <summary>The non-finite loss.</summary>
    public double LossValue { get; }
}
