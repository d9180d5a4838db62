using DeepCnn.Tensors;

namespace DeepCnn.Losses;

/// <summary>Keras's categorical accuracy: argmax(prediction) == argmax(target), ties to the lowest index.</summary>
public static class Metrics
{
    /// <summary>The number of rows of [N, K] predictions whose argmax matches the target's.</summary>
    public static int CountCorrect(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        Tensor.RequireSameShape(predictions, targets, "accuracy: predictions vs targets");
        int correct = 0;
        for (int n = 0; n < predictions.Dim(0); n++)
            if (ArgMax(predictions.Sample(n)) == ArgMax(targets.Sample(n)))
                correct++;
        return correct;
    }

    /// <summary>The index of the first maximum.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
