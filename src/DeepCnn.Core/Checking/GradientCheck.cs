using DeepCnn.Layers;
using DeepCnn.Losses;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Checking;

/// <summary>Settings of a gradient check (Caffe's GradientChecker: step, threshold, floor).</summary>
/// <param name="Step">The central-difference step h.</param>
/// <param name="Threshold">The largest accepted relative error |a - n| / max(|a|, |n|, Floor).</param>
/// <param name="Floor">Below this magnitude errors are judged absolutely, so tiny gradients do not fail on rounding.</param>
/// <param name="ShrinkAtKinks">
/// When a step crosses a kink, retry once with a step 10x smaller before skipping the point. Turn it
/// off where float32 rounding already dominates the estimate (a smaller step makes that worse).
/// </param>
/// <param name="ConfirmWithHalfStep">
/// Also estimate with half the step and skip the point as a kink when the two estimates disagree:
/// catches a step that crosses kinks and comes back to the same on/off pattern, which deep
/// networks with BatchNorm occasionally do. Costs two more forward passes per point.
/// </param>
public sealed record GradientCheckOptions(double Step = 1e-2, double Threshold = 2e-3, double Floor = 1.0, bool ShrinkAtKinks = true, bool ConfirmWithHalfStep = false);

/// <summary>A gradient element that disagreed with its numerical estimate.</summary>
/// <param name="Tensor">Which tensor: <c>input</c> or <c>layer/parameter</c>.</param>
/// <param name="Index">Flat index of the element.</param>
/// <param name="Analytic">The backward pass's value.</param>
/// <param name="Numeric">The central-difference estimate.</param>
/// <param name="RelativeError">|a - n| / max(|a|, |n|, floor).</param>
public sealed record GradientMismatch(string Tensor, int Index, double Analytic, double Numeric, double RelativeError);

/// <summary>The outcome of a gradient check.</summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(int checkedCount, int kinks, IReadOnlyList<GradientMismatch> failures, double maxError)
    {
        Checked = checkedCount;
        SkippedAtKinks = kinks;
        Failures = failures;
        MaxRelativeError = maxError;
    }

    /// <summary>Elements compared.</summary>
    public int Checked { get; }

    /// <summary>Elements skipped because the step crossed a ReLU/MaxPool kink.</summary>
    public int SkippedAtKinks { get; }

    /// <summary>Elements whose error exceeded the threshold.</summary>
    public IReadOnlyList<GradientMismatch> Failures { get; }

    /// <summary>The largest relative error among the compared elements.</summary>
    public double MaxRelativeError { get; }

    /// <summary>True when at least one element was compared and none failed.</summary>
    public bool Passed => Checked > 0 && Failures.Count == 0;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Passed ? "passed" : "FAILED")}: {Checked} checked, {SkippedAtKinks} skipped at kinks, {Failures.Count} failed, max relative error {MaxRelativeError:G3}" +
        (Failures.Count > 0 ? $"; first: {Failures[0]}" : "");
}

/// <summary>
/// Compares hand-written backward passes with central differences, the Caffe way: a non-uniform
/// upstream gradient (objective 1/2 sum y^2, so dy = y), a relative tolerance with a floor, every
/// element of the input and of every parameter tensor over every batch item, the random state
/// replayed before every forward (Dropout keeps its mask), and points skipped when the step
/// crosses a kink of ReLU or MaxPool (detected by the layers' kink signatures changing).
/// </summary>
public static class GradientCheck
{
    /// <summary>Checks one built layer on input x in the given mode, for dx and every trainable parameter.</summary>
    public static GradientCheckResult CheckLayer(Layer layer, Tensor x, bool training = true, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(x);
        var y = new Tensor([x.Dim(0), .. layer.OutputShape]);
        var rngs = layer.SelfAndDescendants().OfType<IStochasticLayer>().Select(l => l.Random).ToList();
        var rngStates = rngs.Select(r => r.State).ToList();
        var state = SaveNonTrainable(layer.Parameters);

        double Objective(out ulong signature)
        {
            for (int i = 0; i < rngs.Count; i++)
                rngs[i].State = rngStates[i];
            layer.Forward(x, y, training);
            signature = layer.KinkSignature(y);
            return HalfSumOfSquares(y);
        }

        // Analytic: dy = y for the objective 1/2 sum y^2.
        Objective(out _);
        var dx = new Tensor(x.Shape.ToArray());
        foreach (var p in layer.Parameters)
            p.Grad.Clear();
        layer.Backward(x, y, y.Clone(), dx);
        var targets = new List<(string, Tensor, Tensor)> { ("input", x, dx) };
        targets.AddRange(layer.Parameters.Where(p => p.Trainable).Select(p => ($"{layer.Name}/{p.Name}", p.Value, p.Grad.Clone())));
        var result = Compare(Objective, targets, options ?? new GradientCheckOptions());
        RestoreNonTrainable(layer.Parameters, state);
        return result;
    }

    /// <summary>
    /// Checks a whole compiled model: the objective is its loss on (x, y) in training mode; checks
    /// dL/dx and every trainable parameter of every layer.
    /// </summary>
    public static GradientCheckResult CheckModel(Sequential model, Tensor x, Tensor y, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        var rngState = model.SaveRandomState();
        var parameters = model.Parameters.ToList();
        var state = SaveNonTrainable(parameters);

        double Objective(out ulong signature)
        {
            model.RestoreRandomState(rngState);
            double loss = model.ComputeLoss(x, y, training: true);
            signature = model.KinkSignature(x.Dim(0));
            return loss;
        }

        model.RestoreRandomState(rngState);
        var dx = new Tensor(x.Shape.ToArray());
        model.ComputeGradients(x, y, dx);
        var targets = new List<(string, Tensor, Tensor)> { ("input", x, dx) };
        foreach (var layer in model.Layers)
            targets.AddRange(layer.Parameters.Where(p => p.Trainable).Select(p => ($"{layer.Name}/{p.Name}", p.Value, p.Grad.Clone())));
        var result = Compare(Objective, targets, options ?? new GradientCheckOptions());
        RestoreNonTrainable(parameters, state);
        model.RestoreRandomState(rngState);
        return result;
    }

    /// <summary>Checks the fused softmax cross-entropy: dL/dlogits against central differences of the mean loss.</summary>
    public static GradientCheckResult CheckSoftmaxCrossEntropy(Tensor logits, Tensor targets, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var grad = new Tensor(logits.Shape.ToArray());
        CategoricalCrossentropy.FromLogits(logits, targets, grad);
        double Objective(out ulong signature)
        {
            signature = 0;
            return CategoricalCrossentropy.FromLogits(logits, targets, null);
        }
        return Compare(Objective, [("logits", logits, grad)], options ?? new GradientCheckOptions());
    }

    /// <summary>Checks any loss: dL/dpredictions from <see cref="Loss.Compute"/> against central differences.</summary>
    public static GradientCheckResult CheckLoss(Loss loss, Tensor predictions, Tensor targets, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(predictions);
        var grad = new Tensor(predictions.Shape.ToArray());
        loss.Compute(predictions, targets, grad);
        double Objective(out ulong signature)
        {
            signature = 0;
            return loss.Compute(predictions, targets, null);
        }
        return Compare(Objective, [("predictions", predictions, grad)], options ?? new GradientCheckOptions());
    }

    private delegate double ObjectiveFunction(out ulong signature);

    private static GradientCheckResult Compare(ObjectiveFunction objective, IReadOnlyList<(string Name, Tensor Value, Tensor Analytic)> targets,
        GradientCheckOptions options)
    {
        objective(out ulong baseSignature);
        int checkedCount = 0, kinks = 0;
        double maxError = 0;
        var failures = new List<GradientMismatch>();
        foreach (var (name, value, analytic) in targets)
        {
            var v = value.Span;
            for (int i = 0; i < v.Length; i++)
            {
                // Try the step, then smaller ones, until neither side crosses a kink; only a point
                // that sits (nearly) on a kink is skipped.
                double? numeric = null;
                double step = options.Step;
                for (int shrink = 0; shrink < (options.ShrinkAtKinks ? 2 : 1) && numeric is null; shrink++)
                {
                    step = options.Step * Math.Pow(0.1, shrink);
                    numeric = CentralDifference(objective, v, i, step, baseSignature);
                }
                if (numeric is double first && options.ConfirmWithHalfStep
                    && (CentralDifference(objective, v, i, step / 2, baseSignature) is not double half
                        || Math.Abs(first - half) > options.Threshold * Math.Max(Math.Max(Math.Abs(first), Math.Abs(half)), options.Floor)))
                    numeric = null;
                if (numeric is null)
                {
                    kinks++;
                    continue;
                }
                double a = analytic.Span[i];
                double n = numeric.Value;
                double error = Math.Abs(a - n) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(n)), options.Floor);
                checkedCount++;
                maxError = Math.Max(maxError, error);
                if (!(error <= options.Threshold))
                    failures.Add(new GradientMismatch(name, i, a, n, error));
            }
        }
        objective(out _);
        return new GradientCheckResult(checkedCount, kinks, failures, maxError);
    }

    /// <summary>(f(v + h) - f(v - h)) / (actual 2h), or null when either side crosses a kink.</summary>
    private static double? CentralDifference(ObjectiveFunction objective, Span<float> v, int i, double step, ulong baseSignature)
    {
        float original = v[i];
        float plus = (float)(original + step);
        float minus = (float)(original - step);
        v[i] = plus;
        double fPlus = objective(out ulong sPlus);
        v[i] = minus;
        double fMinus = objective(out ulong sMinus);
        v[i] = original;
        if (sPlus != baseSignature || sMinus != baseSignature)
            return null;
        // The float steps actually taken, which differ from h by rounding.
        return (fPlus - fMinus) / ((double)plus - minus);
    }

    private static double HalfSumOfSquares(Tensor y)
    {
        double sum = 0;
        foreach (float v in y.Span)
            sum += (double)v * v;
        return 0.5 * sum;
    }

    private static List<float[]> SaveNonTrainable(IEnumerable<Parameter> parameters) =>
        parameters.Where(p => !p.Trainable).Select(p => p.Value.ToArray()).ToList();

    private static void RestoreNonTrainable(IEnumerable<Parameter> parameters, List<float[]> saved)
    {
        int i = 0;
        foreach (var p in parameters.Where(p => !p.Trainable))
            saved[i++].CopyTo(p.Value.Span);
    }
}
