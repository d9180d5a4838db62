using System.Globalization;
using DeepCnn.Initializers;
using DeepCnn.Models;

namespace DeepCnn.Experiments.Catalog;

/// <summary>The notebook's four experiments (1-4, with the words of its summary) and four more that show why (5-8).</summary>
internal static class ExperimentCatalog
{
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new(1, "I", "1-four-conv", "4 conv layers", "A model with 4 CNN layers does reasonably well", true, Outcome.Learns, 4,
            seed => NotebookModels.ModelI(seed)),
        new(2, "II", "2-800-conv", "802 conv layers", "A model with ~1000 CNN layers did not learn", true, Outcome.DoesNotLearn, 8,
            seed => NotebookModels.ModelII(seed)),
        new(3, "III", "3-32-conv", "34 conv layers", "A model with ~32 CNN layers also did not learn", true, Outcome.DoesNotLearn, 4,
            seed => NotebookModels.ModelIII(seed)),
        new(4, "IV", "4-32-conv-batchnorm", "34 conv layers with BatchNorm and Dropout", "BatchNormalization comes to rescue a model with reasonable # of layers", true, Outcome.Learns, 8,
            seed => NotebookModels.ModelIV(seed)),
        new(5, "V", "5-he-init", "III with He-normal initialization", "He initialization lets the 34-layer plain net (III) learn", false, Outcome.Learns, 4,
            seed => NotebookModels.ModelIII(seed, Initializer.HeNormal)),
        new(6, "VI", "6-batchnorm-no-dropout", "IV without Dropout", "BatchNorm alone (IV without its Dropout) rescues the 34-layer net", false, Outcome.Learns, 8,
            seed => NotebookModels.ModelIV(seed, dropout: false)),
        new(7, "VII", "7-exploding", "102 conv layers, He-normal x3", "Weights that start too large make activations and gradients overflow: training stops with a NaN/Inf loss", false, Outcome.Diverges, 4,
            seed => NotebookModels.ExplodingPlain(seed)),
        new(8, "VIII", "8-residual-800", "800 conv layers in 400 pre-activation residual blocks", "Residual blocks that start as the identity train model II's 800 convolutions (val_accuracy >= 0.95)", false, Outcome.Learns, 8,
            seed => NotebookModels.ResidualII(seed, identityInit: true), LearnsAt: 0.95),
    ];

    /// <summary>The residual 800-layer experiment.</summary>
    public const int ResidualId = 8;

    /// <summary>Experiment 8 with every block's second BatchNorm starting at gamma = 1 (the blocks are not the identity at initialization).</summary>
    public static Experiment StandardInitVariant(Experiment residual)
    {
        ArgumentNullException.ThrowIfNull(residual);
        return residual with
        {
            Roman = residual.Roman + " (std init)",
            Slug = residual.Slug + "-standard-init",
            Title = residual.Title + ", standard init (gamma 1)",
            Claim = "Without the identity start (every block's second BatchNorm at gamma = 1) the 800-layer residual net still trains (val_accuracy >= 0.95)",
            Build = seed => NotebookModels.ResidualII(seed, identityInit: false),
        };
    }

    /// <summary>The notebook's four: what <c>all</c> (and no argument) means.</summary>
    public static IReadOnlyList<Experiment> Notebook => All.Where(e => e.FromNotebook).ToList();

    /// <summary>Finds an experiment by number (<c>1</c>) or roman numeral (<c>I</c>), or returns null.</summary>
    public static Experiment? Find(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return All.FirstOrDefault(e => token == e.Id.ToString(CultureInfo.InvariantCulture)
            || string.Equals(token, e.Roman, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The experiments a list of tokens names: numbers, roman numerals, <c>all</c> (1-4) and <c>extended</c> (1-8).</summary>
    public static IReadOnlyList<Experiment> Select(IReadOnlyCollection<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0)
            return Notebook;
        var chosen = new List<Experiment>();
        foreach (var token in tokens)
            chosen.AddRange(token.ToLowerInvariant() switch
            {
                "all" => Notebook,
                "extended" => All,
                _ => [Find(token) ?? throw new ArgumentException($"Unknown experiment '{token}'.", nameof(tokens))],
            });
        return chosen.Distinct().OrderBy(e => e.Id).ToList();
    }

    /// <summary>True when <paramref name="token"/> names an experiment or a group.</summary>
    public static bool IsValid(string token) => token is "all" or "extended" || Find(token) is not null;
}
