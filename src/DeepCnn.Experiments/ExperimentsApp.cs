using DeepCnn.Experiments.Cli;
using DeepCnn.Experiments.Running;
using DeepCnn.Mnist;

namespace DeepCnn.Experiments;

/// <summary>The experiments program, callable in-process (the tests do) with its own writers and cancellation.</summary>
internal static class ExperimentsApp
{
    public const int Success = 0;
    public const int DataError = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;

    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var cli = new CommandLine();
        var (options, errors, help) = cli.Parse(args);
        if (help)
        {
            cli.WriteHelp(output);
            return Success;
        }
        if (options is null)
        {
            error.WriteLine($"error: {errors[0]}");
            error.WriteLine();
            cli.WriteHelp(error);
            return UsageError;
        }
        try
        {
            if (options.FetchOnly)
            {
                var (train, test) = Datasets.Load(options.Dataset, options.DataDirectory, error);
                output.WriteLine($"{options.Dataset}: {train.Count:N0} training and {test.Count:N0} test images of {train.Rows}x{train.Cols}, verified and ready.");
                return Success;
            }
            if (options.DiagnoseOnly)
                return Diagnoser.Run(options, output, error);
            var summary = new ExperimentRunner(options, output, error).Run(cancellationToken);
            return summary.Interrupted ? Interrupted : Success;
        }
        catch (Exception e) when (e is DataFormatException or DataUnavailableException or Serialization.ModelFormatException)
        {
            error.WriteLine($"error: {e.Message}");
            return DataError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write results to '{options.OutputDirectory}': {e.Message}");
            return DataError;
        }
    }
}
