using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A layer is a forward/backward pair written by hand. Shapes are per sample in the internal
/// channels-first layout ([C, H, W] or [F]); every tensor passed in carries the batch as its
/// first axis.
/// </summary>
/// <remarks>
/// Contract: <see cref="Forward"/> writes y from x. <see cref="Backward"/> receives the same x
/// and y and the upstream gradient dy; it ADDS the parameter gradients into
/// <see cref="Parameter.Grad"/> (zeroing is the caller's explicit step) and OVERWRITES dx, unless
/// dx is null (the first layer needs no input gradient). Layers keep whatever forward state
/// backward needs (masks, argmax indices, statistics) in buffers they reuse across steps.
/// </remarks>
public abstract class Layer
{
    private readonly List<Parameter> _parameters = [];
    private int[]? _declaredInputShape;

    /// <summary>The layer's unique name in its model, as Keras names it (<c>conv2d_1</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The Keras class name shown by <c>Summary()</c>, e.g. <c>Conv2D</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>The prefix for automatic names, e.g. <c>conv2d</c>.</summary>
    public abstract string NamePrefix { get; }

    /// <summary>Per-sample input shape (internal layout), known once built.</summary>
    public int[] InputShape { get; private set; } = [];

    /// <summary>Per-sample output shape (internal layout), known once built.</summary>
    public int[] OutputShape { get; private set; } = [];

    /// <summary>True once <see cref="Build"/> has run.</summary>
    public bool IsBuilt { get; private set; }

    /// <summary>The input shape the user declared on this layer (internal layout), if any.</summary>
    public int[]? DeclaredInputShape
    {
        get => _declaredInputShape;
        protected init => _declaredInputShape = value;
    }

    /// <summary>The layer's parameters, trainable and not.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Total scalar parameter count, as Keras's <c>count_params()</c>.</summary>
    public long ParameterCount => _parameters.Sum(p => (long)p.Count);

    /// <summary>
    /// Fixes the input shape, computes the output shape and creates the parameters.
    /// Throws <see cref="ShapeMismatchException"/> when the input does not fit the layer.
    /// </summary>
    public void Build(int[] inputShape, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(rng);
        if (IsBuilt)
        {
            if (!InputShape.AsSpan().SequenceEqual(inputShape))
                throw new ShapeMismatchException($"Layer '{Name}' was built for input {ShapeFormat.FormatKerasBatch(InputShape)} and cannot take {ShapeFormat.FormatKerasBatch(inputShape)}.");
            return;
        }
        OutputShape = ComputeOutputShape(inputShape);
        InputShape = (int[])inputShape.Clone();
        CreateParameters(rng);
        IsBuilt = true;
    }

    /// <summary>The per-sample output shape for an input shape; throws <see cref="ShapeMismatchException"/> with the reason when it does not fit.</summary>
    protected abstract int[] ComputeOutputShape(int[] inputShape);

    /// <summary>Creates this layer's parameters (called once, after the shapes are known).</summary>
    protected virtual void CreateParameters(Rng rng)
    {
    }

    /// <summary>Registers a parameter tensor.</summary>
    protected Parameter AddParameter(string name, Tensor value, bool trainable = true)
    {
        var p = new Parameter(name, value, trainable);
        _parameters.Add(p);
        return p;
    }

    /// <summary>Registers an inner layer's parameter under a qualified name, sharing its value and gradient (containers use this).</summary>
    protected void ExposeParameter(string qualifiedName, Parameter inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _parameters.Add(new Parameter(qualifiedName, inner.Value, inner.Grad, inner.Trainable));
    }

    /// <summary>Layers nested inside this one (a residual block's branch); empty for ordinary layers.</summary>
    public virtual IReadOnlyList<Layer> Sublayers => [];

    /// <summary>This layer and, recursively, every layer nested in it.</summary>
    public IEnumerable<Layer> SelfAndDescendants()
    {
        yield return this;
        foreach (var inner in Sublayers)
            foreach (var l in inner.SelfAndDescendants())
                yield return l;
    }

    /// <summary>y = f(x). x [N, ...InputShape], y [N, ...OutputShape].</summary>
    public abstract void Forward(Tensor x, Tensor y, bool training);

    /// <summary>Given dy = dL/dy: adds dL/dparams into the gradients and writes dx = dL/dx (if dx is not null).</summary>
    public abstract void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx);

    /// <summary>
    /// A fingerprint of the discrete choices the last forward made (ReLU on/off, MaxPool argmax).
    /// The gradient checker skips a point when a perturbation changes it: the step crossed a kink.
    /// </summary>
    public virtual ulong KinkSignature(Tensor y) => 0;

    /// <summary>Checks that x and y have the shapes this layer was built for, naming the layer otherwise.</summary>
    protected void RequireShapes(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!IsBuilt)
            throw new InvalidOperationException($"Layer '{Name}' ({TypeName}) is not built: add it to a model and build it, or call Build(inputShape, rng).");
        RequireBatchShape(x, InputShape, "input");
        RequireBatchShape(y, OutputShape, "output");
        if (x.Dim(0) != y.Dim(0))
            throw new ShapeMismatchException($"Layer '{Name}' ({TypeName}): input batch {x.Dim(0)} and output batch {y.Dim(0)} differ.");
    }

    private void RequireBatchShape(Tensor t, int[] sample, string what)
    {
        if (t.Rank != sample.Length + 1 || !t.Shape[1..].SequenceEqual(sample))
            throw new ShapeMismatchException($"Layer '{Name}' ({TypeName}) expects {what} of shape {ShapeFormat.Format([-1, .. sample])} (batch first, channels-first), got {ShapeFormat.Format(t.Shape)}.");
    }

    /// <summary>Element count of one sample of a per-sample shape.</summary>
    protected static int SampleSize(int[] shape) => Tensor.CheckedLength(shape);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({TypeName})";
}
