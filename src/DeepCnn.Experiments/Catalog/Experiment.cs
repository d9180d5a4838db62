using DeepCnn.Training;

namespace DeepCnn.Experiments.Catalog;

/// <summary>What a claim says a model does.</summary>
internal enum Outcome
{
    /// <summary>"does reasonably well" / "comes to rescue": reaches the learning threshold.</summary>
    Learns,

    /// <summary>"cannot learn" / "did not learn": stays at chance.</summary>
    DoesNotLearn,

    /// <summary>The loss becomes NaN or infinite and training stops.</summary>
    Diverges,
}

/// <summary>One experiment: a model, its training length, and the claim it tests.</summary>
/// <param name="Id">1-based number.</param>
/// <param name="Roman">Roman numeral (the notebook numbers I-IV).</param>
/// <param name="Slug">Folder name.</param>
/// <param name="Title">Short description.</param>
/// <param name="Claim">The claim tested: the notebook's words for 1-4, ours for the extensions.</param>
/// <param name="FromNotebook">True for the notebook's own four.</param>
/// <param name="Expected">The outcome the claim predicts.</param>
/// <param name="Epochs">Epochs (the notebook's for 1-4).</param>
/// <param name="Build">Builds the model for a seed.</param>
/// <param name="LearnsAt">The val_accuracy that counts as "learns".</param>
internal sealed record Experiment(int Id, string Roman, string Slug, string Title, string Claim, bool FromNotebook, Outcome Expected, int Epochs,
    Func<ulong, Sequential> Build, double LearnsAt = 0.90)
{
    public string Label => $"{Roman} ({Title})";
}
