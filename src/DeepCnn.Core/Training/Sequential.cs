using System.Diagnostics;
using DeepCnn.Layers;
using DeepCnn.Diagnostics;
using DeepCnn.Losses;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;

namespace DeepCnn.Training;

/// <summary>
/// A linear stack of layers with Keras's <c>Sequential</c> API: <see cref="Add"/>, build-time shape
/// inference, <see cref="Summary"/>, <see cref="Compile"/>, <see cref="Fit"/>, <see cref="Evaluate"/>
/// and <see cref="Predict"/>.
/// </summary>
/// <remarks>
/// Activations live in per-layer buffers that grow only, so after the first step a training step
/// allocates no activation-sized memory. Input gradients ping-pong between two buffers.
/// Reproducibility: <see cref="Seed"/> fixes the initial weights, the Dropout masks and the
/// shuffling, so the same seed gives the same run.
/// </remarks>
public sealed partial class Sequential
{
    private readonly List<Layer> _layers = [];
    private Parameter[] _parameters = [];
    private LayerChainBuffers _buffers = new(0);
    private float[] _lossGrad = [];
    private float[] _xBatch = [], _yBatch = [];
    private int[] _order = [];
    private Rng? _shuffleRng;
    private long _trainSteps;

    private Tensor? _lossGradView;

    /// <summary>Creates an empty model.</summary>
    /// <param name="name">The model name shown by <see cref="Summary"/>.</param>
    /// <param name="seed">Seeds weight initialization, Dropout masks and shuffling.</param>
    public Sequential(string name = "sequential", ulong seed = 0)
    {
        Name = name;
        Seed = seed;
    }

    /// <summary>The model name.</summary>
    public string Name { get; }

    /// <summary>The seed of every random choice the model makes.</summary>
    public ulong Seed { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>True once built (shapes inferred, weights created).</summary>
    public bool IsBuilt { get; private set; }

    /// <summary>Per-sample input shape in the internal layout ([C, H, W] or [F]).</summary>
    public int[] InputShape { get; private set; } = [];

    /// <summary>Per-sample output shape in the internal layout.</summary>
    public int[] OutputShape => _layers.Count == 0 ? InputShape : _layers[^1].OutputShape;

    /// <summary>The optimizer set by <see cref="Compile"/>.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss set by <see cref="Compile"/>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>All parameters, layer by layer (empty until built).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Total parameter count (trainable and not).</summary>
    public long TotalParameters => _layers.Sum(l => l.ParameterCount);

    /// <summary>Trainable parameter count.</summary>
    public long TrainableParameters => Parameters.Where(p => p.Trainable).Sum(p => (long)p.Count);

    /// <summary>Non-trainable parameter count (BatchNormalization's moving statistics).</summary>
    public long NonTrainableParameters => TotalParameters - TrainableParameters;

    /// <summary>Appends a layer, giving it a Keras-style unique name unless it has one.</summary>
    public Sequential Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (IsBuilt)
            throw new InvalidOperationException($"Model '{Name}' is already built; add every layer before building, compiling or training.");
        if (_layers.Contains(layer))
            throw new ArgumentException($"Layer '{layer.Name}' is already in model '{Name}'.", nameof(layer));
        if (string.IsNullOrEmpty(layer.Name))
            layer.Name = UniqueName(layer.NamePrefix);
        else if (_layers.Any(l => l.Name == layer.Name))
            throw new ArgumentException($"Model '{Name}' already has a layer named '{layer.Name}'.", nameof(layer));
        _layers.Add(layer);
        return this;
    }

    private string UniqueName(string prefix)
    {
        int count = _layers.Count(l => l.NamePrefix == prefix);
        string name = count == 0 ? prefix : $"{prefix}_{count}";
        while (_layers.Any(l => l.Name == name))
            name = $"{prefix}_{++count}";
        return name;
    }

    /// <summary>
    /// Infers every shape and creates the weights. The input shape comes from the first layer's
    /// <c>inputShape</c> or from <paramref name="inputShape"/> (Keras order: (H, W, C) or (F)).
    /// An incompatible stack fails here, naming the layer and both shapes.
    /// </summary>
    public void Build(int[]? inputShape = null)
    {
        if (IsBuilt)
            return;
        if (_layers.Count == 0)
            throw new InvalidOperationException($"Model '{Name}' has no layers.");
        int[] shape = inputShape is not null ? ShapeFormat.FromKeras(inputShape)
            : _layers[0].DeclaredInputShape
              ?? throw new InvalidOperationException($"Model '{Name}' does not know its input shape: pass inputShape to the first layer ({_layers[0]}) or to Build().");
        InputShape = shape;
        var rng = CreateBuildRandom();
        for (int i = 0; i < _layers.Count; i++)
        {
            var layer = _layers[i];
            try
            {
                layer.Build(shape, rng);
            }
            catch (ShapeMismatchException e)
            {
                throw new ShapeMismatchException(
                    $"Layer {i} '{layer.Name}' ({layer.TypeName}) cannot take input shape {ShapeFormat.FormatKerasBatch(shape)}" +
                    (i > 0 ? $" (the output of layer {i - 1} '{_layers[i - 1].Name}')" : "") + $": {e.Message}", e);
            }
            shape = layer.OutputShape;
        }
        for (int i = 0; i < _layers.Count; i++)
            if (_layers[i] is Residual block)
                block.Next = i + 1 < _layers.Count ? _layers[i + 1] as Residual : null;
        _buffers = new LayerChainBuffers(_layers.Count);
        _parameters = _layers.SelectMany(l => l.Parameters).ToArray();
        _shuffleRng = new Rng(Rng.Derive(Seed, 2));
        IsBuilt = true;
    }

    /// <summary>The generator that initializes the weights when the model is built.</summary>
    internal Rng CreateBuildRandom() => new(Rng.Derive(Seed, 1));

    /// <summary>Sets the optimizer and the loss (Keras's <c>compile</c>); defaults are Adam and categorical cross-entropy.</summary>
    public void Compile(Optimizer? optimizer = null, Loss? loss = null)
    {
        Build();
        Optimizer = optimizer ?? new Adam();
        Loss = loss ?? new CategoricalCrossentropy();
    }

    /// <summary>The Keras-style summary table.</summary>
    public string Summary()
    {
        Build();
        return ModelSummary.Format(Name, _layers);
    }

    /// <summary>
    /// Runs the layers on x [N, ...InputShape] and returns the output [N, ...OutputShape], a view of
    /// a buffer the model reuses (copy it to keep it past the next call).
    /// </summary>
    public Tensor Forward(Tensor x, bool training)
    {
        Build();
        RequireInput(x, "x");
        PrepareViews(x.Dim(0));
        var current = x;
        for (int i = 0; i < _layers.Count; i++)
        {
            _layers[i].Forward(current, _buffers.Outputs[i], training);
            current = _buffers.Outputs[i];
        }
        return current;
    }

    private void PrepareViews(int batch)
    {
        if (_buffers.Prepare(_layers, batch))
            _lossGradView = Workspace.Rent(ref _lossGrad, [batch, .. OutputShape]);
    }

    /// <summary>
    /// The loss of the last <see cref="Forward"/> against targets, and (when requested) the gradient
    /// w.r.t. the model output. With categorical cross-entropy after a softmax layer, the loss is
    /// computed from the logits as Keras does, and <paramref name="fromLogits"/> is set.
    /// </summary>
    private double ComputeLoss(Tensor output, Tensor targets, Tensor? gradient, out bool fromLogits)
    {
        var loss = Loss ?? throw new InvalidOperationException($"Model '{Name}' is not compiled: call Compile() first.");
        if (!output.HasShape(targets.Shape))
            throw new ShapeMismatchException($"Targets of shape {ShapeFormat.Format(targets.Shape)} do not match the model output {ShapeFormat.Format(output.Shape)}.");
        fromLogits = loss is CategoricalCrossentropy && _layers[^1] is ActivatedLayer { Activation: Activation.Softmax };
        if (fromLogits)
            return CategoricalCrossentropy.FromLogits(((ActivatedLayer)_layers[^1]).Logits(output.Dim(0)), targets, gradient);
        return loss.Compute(output, targets, gradient);
    }

    /// <summary>
    /// Backpropagates from the last forward: adds every parameter gradient and, if
    /// <paramref name="inputGradient"/> is given, writes dL/dx into it.
    /// </summary>
    private void Backward(Tensor x, Tensor outputGradient, bool fromLogits, Tensor? inputGradient, IGradientObserver? observer)
    {
        var dy = outputGradient;
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            var layer = _layers[i];
            var input = i == 0 ? x : _buffers.Outputs[i - 1];
            var output = _buffers.Outputs[i];
            // Layer 0's input gradient goes to the caller (or nowhere).
            var dx = i > 0 ? _buffers.InputGradients[i] : inputGradient;
            if (fromLogits && i == _layers.Count - 1)
                ((ActivatedLayer)layer).BackwardFromLogits(input, dy, dx);
            else
                layer.Backward(input, output, dy, dx);
            // The ping-pong buffers are overwritten two layers later: an observer reads them now.
            observer?.OnLayerBackward(_trainSteps, i, dy, dx);
            if (dx is null)
                break;
            dy = dx;
        }
    }

    /// <summary>
    /// Watches training steps (e.g. a <see cref="Diagnostics.GradientFlowRecorder"/>); null (the
    /// default) means no observation at all, so training is exactly as without the feature.
    /// </summary>
    public IGradientObserver? Observer { get; set; }

    /// <summary>Training steps taken by <see cref="TrainStep"/> (and so by <see cref="Fit"/>); settable so that a saved training can resume.</summary>
    public long TrainSteps
    {
        get => _trainSteps;
        set => _trainSteps = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"Step counts are not negative, got {value}.");
    }

    /// <summary>The generator that shuffles the training data in <see cref="Fit"/> (its state is part of a resumable checkpoint).</summary>
    internal Rng ShuffleRandom => _shuffleRng ?? throw new InvalidOperationException($"Model '{Name}' is not built.");

    /// <summary>The output of layer <paramref name="index"/> from the last forward pass (a view of a reused buffer).</summary>
    public Tensor LayerOutput(int index)
    {
        if (!_buffers.IsPrepared)
            throw new InvalidOperationException($"Model '{Name}' has not run a forward pass yet.");
        return _buffers.Outputs[index];
    }

    /// <summary>Sets every parameter gradient to zero.</summary>
    public void ZeroGradients()
    {
        foreach (var p in _parameters)
            p.Grad.Clear();
    }

    /// <summary>
    /// Forward in training mode, the loss, and backward: leaves dL/dparams in the gradients (zeroed
    /// first) and, if given, dL/dx in <paramref name="inputGradient"/>. Does not update the weights.
    /// Returns the mean loss and the number of correct predictions.
    /// </summary>
    public (double Loss, int Correct) ComputeGradients(Tensor x, Tensor y, Tensor? inputGradient = null) =>
        ComputeGradients(x, y, inputGradient, observer: null);

    /// <summary>As <see cref="ComputeGradients(Tensor, Tensor, Tensor?)"/>, reporting every layer's gradients to <paramref name="observer"/>.</summary>
    public (double Loss, int Correct) ComputeGradients(Tensor x, Tensor y, Tensor? inputGradient, IGradientObserver? observer)
    {
        ArgumentNullException.ThrowIfNull(y);
        var output = Forward(x, training: true);
        var grad = _lossGradView!;
        double loss = ComputeLoss(output, y, grad, out bool fromLogits);
        int correct = Metrics.CountCorrect(output, y);
        ZeroGradients();
        if (inputGradient is not null)
            Tensor.RequireSameShape(x, inputGradient, "input gradient");
        Backward(x, grad, fromLogits, inputGradient, observer);
        observer?.AfterBackward(_trainSteps, this);
        return (loss, correct);
    }

    /// <summary>The loss of x against y without touching gradients (for checks and evaluation).</summary>
    public double ComputeLoss(Tensor x, Tensor y, bool training)
    {
        var output = Forward(x, training);
        return ComputeLoss(output, y, null, out _);
    }

    /// <summary>One optimization step on a batch: gradients, then the optimizer's update.</summary>
    public (double Loss, int Correct) TrainStep(Tensor x, Tensor y)
    {
        var optimizer = Optimizer ?? throw new InvalidOperationException($"Model '{Name}' is not compiled: call Compile() first.");
        var observer = Observer is { } o && o.ShouldRecord(_trainSteps) ? o : null;
        var result = ComputeGradients(x, y, null, observer);
        optimizer.Step(_parameters);
        observer?.AfterUpdate(_trainSteps, this);
        _trainSteps++;
        return result;
    }

    /// <summary>
    /// Trains as Keras's <c>fit</c>: the LAST <paramref name="validationSplit"/> fraction of the
    /// samples is held out before any shuffling; the rest is reshuffled every epoch (when
    /// <paramref name="shuffle"/>) and cut into batches (a final partial batch is kept); the
    /// displayed loss and accuracy are running means over the epoch; validation runs at the end of
    /// every epoch in inference mode. x is [N, ...InputShape] or in Keras order [N, H, W, C].
    /// <c>initialEpoch</c> (Keras's <c>initial_epoch</c>) counts epochs already done: training runs
    /// epochs initialEpoch+1 to <c>epochs</c>, e.g. to continue a loaded checkpoint.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public History Fit(Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0,
        bool shuffle = true, IEnumerable<ITrainingCallback>? callbacks = null, int? maxStepsPerEpoch = null,
        int initialEpoch = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (Optimizer is null)
            throw new InvalidOperationException($"Model '{Name}' is not compiled: call Compile() before Fit().");
        if (epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be at least 1, got {epochs}.");
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be at least 1, got {batchSize}.");
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"validationSplit must be in [0, 1), got {validationSplit}.");
        if (initialEpoch < 0 || initialEpoch >= epochs)
            throw new ArgumentOutOfRangeException(nameof(initialEpoch), $"initialEpoch must be in [0, epochs = {epochs}), got {initialEpoch}.");
        if (maxStepsPerEpoch is < 1)
            throw new ArgumentOutOfRangeException(nameof(maxStepsPerEpoch), $"maxStepsPerEpoch must be at least 1, got {maxStepsPerEpoch}.");
        x = ToModelLayout(x, "x");
        if (y.Rank < 1 || y.Dim(0) != x.Dim(0))
            throw new ShapeMismatchException($"x has {x.Dim(0)} samples but y has shape {ShapeFormat.Format(y.Shape)}.");
        if (!y.Shape[1..].SequenceEqual(OutputShape))
            throw new ShapeMismatchException($"y has per-sample shape {ShapeFormat.Format(y.Shape[1..])} but the model outputs {ShapeFormat.Format(OutputShape)}.");

        int total = x.Dim(0);
        int splitAt = validationSplit > 0 ? (int)Math.Floor(total * (1 - validationSplit)) : total;
        if (splitAt == 0 || (validationSplit > 0 && splitAt == total))
            throw new ArgumentException($"validationSplit {validationSplit} of {total} samples leaves an empty training or validation set.", nameof(validationSplit));
        var callbackList = callbacks?.ToList() ?? [];
        var order = Workspace.Rent(ref _order, splitAt);
        int steps = (splitAt + batchSize - 1) / batchSize;
        if (maxStepsPerEpoch is int cap)
            steps = Math.Min(steps, cap);
        int sampleSize = x.Length / total, targetSize = y.Length / total;
        var history = new History();
        Tensor? xb = null, yb = null;

        for (int epoch = initialEpoch + 1; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < splitAt; i++)
                order[i] = i;
            if (shuffle)
                _shuffleRng!.Permutation(order);
            foreach (var c in callbackList)
                c.OnEpochBegin(epoch, epochs, steps);
            double lossSum = 0;
            long correct = 0, seen = 0;
            int step = 0;
            for (; step < steps; step++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    history.Interrupted = true;
                    break;
                }
                int start = step * batchSize, count = Math.Min(batchSize, splitAt - start);
                if (xb is null || xb.Dim(0) != count)
                {
                    xb = Workspace.Rent(ref _xBatch, [count, .. InputShape]);
                    yb = Workspace.Rent(ref _yBatch, [count, .. OutputShape]);
                }
                for (int b = 0; b < count; b++)
                {
                    x.Span.Slice(order[start + b] * sampleSize, sampleSize).CopyTo(xb.Span.Slice(b * sampleSize, sampleSize));
                    y.Span.Slice(order[start + b] * targetSize, targetSize).CopyTo(yb!.Span.Slice(b * targetSize, targetSize));
                }
                var (loss, ok) = TrainStep(xb, yb!);
                if (!double.IsFinite(loss))
                    throw new TrainingDivergedException(epoch, step + 1, loss);
                lossSum += loss * count;
                correct += ok;
                seen += count;
                var progress = new BatchProgress(epoch, epochs, step + 1, steps, lossSum / seen, (double)correct / seen, loss);
                foreach (var c in callbackList)
                    c.OnBatchEnd(progress);
            }
            if (seen == 0)
                break;
            double? valLoss = null, valAcc = null;
            if (splitAt < total)
            {
                var (vl, va) = EvaluateRange(x, y, splitAt, total - splitAt, batchSize);
                (valLoss, valAcc) = (vl, va);
            }
            var record = new EpochRecord(epoch, lossSum / seen, (double)correct / seen, valLoss, valAcc, clock.Elapsed.TotalSeconds, step);
            history.Add(record);
            foreach (var c in callbackList)
                c.OnEpochEnd(record, epochs);
            if (history.Interrupted)
                break;
        }
        return history;
    }

    /// <summary>Mean loss and accuracy over x, y in inference mode (Keras's <c>evaluate</c>).</summary>
    public (double Loss, double Accuracy) Evaluate(Tensor x, Tensor y, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (Loss is null)
            throw new InvalidOperationException($"Model '{Name}' is not compiled: call Compile() before Evaluate().");
        x = ToModelLayout(x, "x");
        if (y.Dim(0) != x.Dim(0))
            throw new ShapeMismatchException($"x has {x.Dim(0)} samples but y has {y.Dim(0)}.");
        return EvaluateRange(x, y, 0, x.Dim(0), batchSize);
    }

    private (double Loss, double Accuracy) EvaluateRange(Tensor x, Tensor y, int start, int count, int batchSize)
    {
        if (count == 0)
            throw new ArgumentException("Cannot evaluate on an empty set.", nameof(x));
        double lossSum = 0;
        long correct = 0;
        for (int s = start; s < start + count; s += batchSize)
        {
            int n = Math.Min(batchSize, start + count - s);
            var xb = x.SliceBatch(s, n);
            var yb = y.SliceBatch(s, n);
            var output = Forward(xb, training: false);
            lossSum += ComputeLoss(output, yb, null, out _) * n;
            correct += Metrics.CountCorrect(output, yb);
        }
        return (lossSum / count, (double)correct / count);
    }

    /// <summary>The model's outputs for x, in inference mode, as a new tensor [N, ...OutputShape].</summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(x);
        Build();
        x = ToModelLayout(x, "x");
        int total = x.Dim(0);
        var result = new Tensor([total, .. OutputShape]);
        for (int s = 0; s < total; s += batchSize)
        {
            int n = Math.Min(batchSize, total - s);
            Forward(x.SliceBatch(s, n), training: false).Span.CopyTo(result.SliceBatch(s, n).Span);
        }
        return result;
    }

    /// <summary>Saves the random state of every stochastic layer (Dropout).</summary>
    public IReadOnlyList<(ulong, ulong, ulong, ulong)> SaveRandomState() =>
        StochasticLayers().Select(l => l.Random.State).ToList();

    /// <summary>Restores what <see cref="SaveRandomState"/> returned, so the next forward draws the same masks.</summary>
    public void RestoreRandomState(IReadOnlyList<(ulong, ulong, ulong, ulong)> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        int i = 0;
        foreach (var layer in StochasticLayers())
            layer.Random.State = state[i++];
    }

    private IEnumerable<IStochasticLayer> StochasticLayers() =>
        _layers.SelectMany(l => l.SelfAndDescendants()).OfType<IStochasticLayer>();

    /// <summary>A combined fingerprint of the discrete choices (ReLU, MaxPool) of the last forward.</summary>
    internal ulong KinkSignature(int batch)
    {
        ulong h = 0;
        PrepareViews(batch);
        for (int i = 0; i < _layers.Count; i++)
            h = (h * 31) ^ _layers[i].KinkSignature(_buffers.Outputs[i]);
        return h;
    }

    private void RequireInput(Tensor x, string name)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != InputShape.Length + 1 || !x.Shape[1..].SequenceEqual(InputShape))
            throw new ShapeMismatchException($"{name} has shape {ShapeFormat.Format(x.Shape)}, but model '{Name}' takes [N, {string.Join(", ", InputShape)}] (channels-first) or [N, {string.Join(", ", ShapeFormat.ToKeras(InputShape))}] (Keras order).");
    }

    // Accepts the internal layout as is and converts Keras's channels-last order [N, H, W, C].
    private Tensor ToModelLayout(Tensor x, string name)
    {
        Build();
        if (x.Rank == InputShape.Length + 1 && x.Shape[1..].SequenceEqual(InputShape))
            return x;
        if (InputShape.Length == 3 && x.Rank == 4 && x.Shape[1..].SequenceEqual(ShapeFormat.ToKeras(InputShape)))
            return Tensor.FromNhwc(x.Span, x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        RequireInput(x, name);
        return x;
    }
}
