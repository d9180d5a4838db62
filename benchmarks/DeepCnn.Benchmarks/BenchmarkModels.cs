using DeepCnn.Models;
using DeepCnn.Training;

namespace DeepCnn.Benchmarks;

/// <summary>The benchmarked models by their experiment numeral, compiled with the experiments' defaults.</summary>
internal static class BenchmarkModels
{
    public static Sequential Create(string name)
    {
        var model = name switch
        {
            "I" => NotebookModels.ModelI(),
            "II" => NotebookModels.ModelII(),
            "III" => NotebookModels.ModelIII(),
            "IV" => NotebookModels.ModelIV(),
            "VIII" => NotebookModels.ResidualII(),
            _ => throw new ArgumentException($"Unknown model '{name}': use I, II, III, IV or VIII.", nameof(name)),
        };
        model.Compile();
        return model;
    }
}
