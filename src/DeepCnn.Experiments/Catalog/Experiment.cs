using DeepCnn.Training;

namespace DeepCnn.Experiments.Catalog;

/// <summary>What the notebook says a model does.</summary>
internal enum Outcome
{
    /// <summary>"does reasonably well" / "comes to rescue".</summary>
    Learns,

    /// <summary>"cannot learn" / "did not learn".</summary>
    DoesNotLearn,
}

/// <summary>One experiment: a model, its training length, and the claim of the notebook it tests.</summary>
/// <param name="Id">1-based number.</param>
/// <param name="Roman">The notebook's numbering (I, II, ...).</param>
/// <param name="Slug">Folder name.</param>
/// <param name="Title">Short description.</param>
/// <param name="Claim">The notebook's claim, in its words.</param>
/// <param name="NotebookSays">The outcome the claim predicts.</param>
/// <param name="Epochs">Epochs as in the notebook.</param>
/// <param name="Build">Builds the model for a seed.</param>
internal sealed record Experiment(int Id, string Roman, string Slug, string Title, string Claim, Outcome NotebookSays, int Epochs, Func<ulong, Sequential> Build)
{
    public string Label => $"{Roman} ({Title})";
}
