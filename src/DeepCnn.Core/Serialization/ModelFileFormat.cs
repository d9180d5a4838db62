namespace DeepCnn.Serialization;

/// <summary>
/// The constants of the DeepCnn model file (docs/FILE-FORMAT.md): a 16-byte preamble
/// (magic, version, header length), a UTF-8 JSON header, then the raw little-endian float32 tensors.
/// </summary>
internal static class ModelFileFormat
{
    /// <summary>The first eight bytes of every model file: "DEEPCNN" and a NUL.</summary>
    public static ReadOnlySpan<byte> Magic => "DEEPCNN\0"u8;

    /// <summary>The format version this build writes: 2 added residual blocks, SGD's velocity and Dropout's seed.</summary>
    public const uint Version = 2;

    /// <summary>The oldest version this build reads; a version 1 file is a version 2 file without the version 2 additions.</summary>
    public const uint OldestReadableVersion = 1;

    /// <summary>Magic (8 bytes), version (uint32) and header length (uint32).</summary>
    public const int PreambleSize = 16;

    /// <summary>
    /// The largest header accepted. Model II (807 layers) needs about 200 KiB, residual model II
    /// (400 blocks, 2,810 layers, with Adam's state) about 2.5 MB; the cap keeps a lying length from
    /// making the reader allocate gigabytes before it has seen any JSON.
    /// </summary>
    public const int MaxHeaderBytes = 16 << 20;

    /// <summary>
    /// The most residual blocks nested in one another. Each level costs the reader a recursion and
    /// the model a forward call deeper; no sensible network comes close.
    /// </summary>
    public const int MaxNesting = 16;

    /// <summary>
    /// The deepest JSON nesting accepted. A valid header reaches 5 without residual blocks, and each
    /// level of nesting adds two (the block's object and its layers array); the margin lets a file
    /// nested a little too deep get the nesting check's clearer message, while the parser stops a
    /// hostile depth before the layer reader recurses into it.
    /// </summary>
    public const int MaxJsonDepth = (2 * MaxNesting) + 8;

    /// <summary>
    /// The most layers a model file may declare, counting those inside residual blocks (model II has
    /// 807, residual model II with 400 blocks 2,810); adding layers checks names pairwise, so the cap
    /// also bounds the time a hostile header costs.
    /// </summary>
    public const int MaxLayers = 10_000;

    /// <summary>The largest single dimension or integer hyper-parameter accepted.</summary>
    public const int MaxDimension = 1 << 24;

    /// <summary>The longest model or layer name accepted, in UTF-16 code units.</summary>
    public const int MaxNameLength = 1024;

    /// <summary>Bytes per stored element (float32).</summary>
    public const int ElementSize = sizeof(float);

    /// <summary>The only element type of format version 1.</summary>
    public const string Float32 = "float32";

    /// <summary>The loss of every saved training state (the only loss DeepCnn has).</summary>
    public const string CategoricalCrossentropy = "categorical_crossentropy";
}
