namespace DeepCnn.Experiments.Tests;

/// <summary>Runs the experiments app in-process, exactly as its Main does, capturing its output.</summary>
internal sealed class AppRun
{
    private AppRun(int exitCode, string output, string error)
    {
        ExitCode = exitCode;
        Output = output;
        Error = error;
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    public static AppRun Invoke(params string[] args) => Invoke(CancellationToken.None, args);

    public static AppRun Invoke(CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ExperimentsApp.Run(args, output, error, cancellationToken);
        return new AppRun(code, output.ToString(), error.ToString());
    }
}

/// <summary>A fresh directory under the temp folder, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deepcnn-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
