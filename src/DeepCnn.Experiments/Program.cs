using DeepCnn.Experiments;

using var interrupt = new CancellationTokenSource();
// Ctrl+C stops after the current training step; the run then writes what it completed, marked as interrupted.
Console.CancelKeyPress += (_, e) =>
{
    if (interrupt.IsCancellationRequested)
        return; // a second Ctrl+C ends the process at once
    e.Cancel = true;
    interrupt.Cancel();
    Console.Error.WriteLine("\nInterrupted: finishing the current step and writing the results so far (Ctrl+C again to quit now).");
};
return ExperimentsApp.Run(args, Console.Out, Console.Error, interrupt.Token);
