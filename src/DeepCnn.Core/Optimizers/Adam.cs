using System.Numerics;
using System.Runtime.InteropServices;
using DeepCnn.Layers;

namespace DeepCnn.Optimizers;

/// <summary>
/// Adam exactly as Keras (and TensorFlow's ApplyAdam kernel): epsilon is the paper's "epsilon hat".
/// With t the 1-based step:
/// lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m)(1 - beta1); v += (g*g - v)(1 - beta2);
/// w -= lr_t * m / (sqrt(v) + epsilon). No separate bias correction of m and v.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly Dictionary<Parameter, (float[] M, float[] V)> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates Adam with Keras's defaults.</summary>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7)
    {
        if (!(learningRate > 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"Adam learning rate must be positive, got {learningRate}.");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Adam betas must be in [0, 1), got {beta1} and {beta2}.");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"Adam epsilon must be positive, got {epsilon}.");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Base learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to sqrt(v).</summary>
    public double Epsilon { get; }

    /// <summary>The first and second moment of a parameter (zeros before its first update).</summary>
    public (float[] M, float[] V) Moments(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_state.TryGetValue(parameter, out var s))
        {
            s = (new float[parameter.Count], new float[parameter.Count]);
            _state[parameter] = s;
        }
        return s;
    }

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        var (m, v) = Moments(parameter);
        double t = Iterations;
        float lrT = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(Beta2, t)) / (1 - Math.Pow(Beta1, t)));
        float oneMinusB1 = (float)(1 - Beta1), oneMinusB2 = (float)(1 - Beta2), eps = (float)Epsilon;
        Apply(parameter.Value.Span, parameter.Grad.Span, m, v, lrT, oneMinusB1, oneMinusB2, eps);
    }

    /// <summary>
    /// The element-wise update, vectorized. Every lane performs exactly the scalar sequence of
    /// float32 operations (no fused multiply-add; sqrt and division are correctly rounded in both),
    /// so the result is bit-identical to the scalar loop, which handles the tail.
    /// </summary>
    private static void Apply(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float lrT, float oneMinusB1, float oneMinusB2, float eps)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wv = MemoryMarshal.Cast<float, Vector<float>>(w);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var b1 = new Vector<float>(oneMinusB1);
            var b2 = new Vector<float>(oneMinusB2);
            var lr = new Vector<float>(lrT);
            var e = new Vector<float>(eps);
            for (int k = 0; k < wv.Length; k++)
            {
                var gk = gv[k];
                var mk = mv[k] + ((gk - mv[k]) * b1);
                var vk = vv[k] + (((gk * gk) - vv[k]) * b2);
                mv[k] = mk;
                vv[k] = vk;
                wv[k] -= lr * mk / (Vector.SquareRoot(vk) + e);
            }
            i = wv.Length * Vector<float>.Count;
        }
        for (; i < w.Length; i++)
        {
            m[i] += (g[i] - m[i]) * oneMinusB1;
            v[i] += ((g[i] * g[i]) - v[i]) * oneMinusB2;
            w[i] -= lrT * m[i] / (MathF.Sqrt(v[i]) + eps);
        }
    }
}
