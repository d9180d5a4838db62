namespace DeepCnn.Mnist;

/// <summary>
/// Where data lives by default, worked out from the environment the way the surrounding tools do
/// (XDG for the cache, Keras's own rule for its cache).
/// </summary>
internal static class DataLocations
{
    /// <summary>The explicit data directory: the argument if given, else <c>$DEEPCNN_DATA</c> if set.</summary>
    internal static string? DataDirectory(string? argument, Func<string, string?> getVariable) =>
        !string.IsNullOrEmpty(argument) ? argument : NonEmpty(getVariable(Mnist.DataDirectoryVariable));

    /// <summary><c>$XDG_CACHE_HOME/deepcnn/mnist</c>, or <c>~/.cache/deepcnn/mnist</c>.</summary>
    internal static string CacheDirectory(Func<string, string?> getVariable, string home)
    {
        var xdg = getVariable("XDG_CACHE_HOME");
        // The XDG base directory specification says relative paths are to be ignored.
        var root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(root, "deepcnn", "mnist");
    }

    /// <summary><c>$KERAS_HOME/datasets/mnist.npz</c>, or <c>~/.keras/datasets/mnist.npz</c>, as Keras decides.</summary>
    internal static string KerasCache(Func<string, string?> getVariable, string home) =>
        Path.Combine(NonEmpty(getVariable("KERAS_HOME")) ?? Path.Combine(home, ".keras"), "datasets", Npz.KerasNpz.FileName);

    /// <summary>The current user's home directory.</summary>
    internal static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
