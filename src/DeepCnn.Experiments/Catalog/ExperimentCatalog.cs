using DeepCnn.Models;

namespace DeepCnn.Experiments.Catalog;

/// <summary>The notebook's four experiments, with the words of its summary.</summary>
internal static class ExperimentCatalog
{
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new(1, "I", "1-four-conv", "4 conv layers", "A model with 4 CNN layers does reasonably well", Outcome.Learns, 4, seed => NotebookModels.ModelI(seed)),
        new(2, "II", "2-800-conv", "802 conv layers", "A model with ~1000 CNN layers did not learn", Outcome.DoesNotLearn, 8, seed => NotebookModels.ModelII(seed)),
        new(3, "III", "3-32-conv", "34 conv layers", "A model with ~32 CNN layers also did not learn", Outcome.DoesNotLearn, 4, seed => NotebookModels.ModelIII(seed)),
        new(4, "IV", "4-32-conv-batchnorm", "34 conv layers with BatchNorm and Dropout", "BatchNormalization comes to rescue a model with reasonable # of layers", Outcome.Learns, 8, seed => NotebookModels.ModelIV(seed)),
    ];

    /// <summary>Finds an experiment by number (<c>1</c>) or roman numeral (<c>I</c>), or returns null.</summary>
    public static Experiment? Find(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return All.FirstOrDefault(e => token == e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || string.Equals(token, e.Roman, StringComparison.OrdinalIgnoreCase));
    }
}
