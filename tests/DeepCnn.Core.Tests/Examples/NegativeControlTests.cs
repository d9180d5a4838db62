using DeepCnn.Checking;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using Xunit;

namespace DeepCnn.Core.Tests.Examples;

/// <summary>The gradient checker must catch a wrong backward pass; otherwise its passes mean nothing.</summary>
public class NegativeControlTests
{
    /// <summary>y = x W + b with a deliberately broken backward.</summary>
    public enum Fault
    {
        ScaledBy1_01,
        DropsBiasGradient,
    }

    private sealed class BrokenLinear(int units, Fault fault) : Layer
    {
        private Parameter _w = null!, _b = null!;

        public override string TypeName => "BrokenLinear";

        public override string NamePrefix => "broken_linear";

        protected override int[] ComputeOutputShape(int[] inputShape) => [units];

        protected override void CreateParameters(Rng rng)
        {
            _w = AddParameter("kernel", TestData.Uniform(rng, -1, 1, InputShape[0], units));
            _b = AddParameter("bias", TestData.Uniform(rng, -1, 1, units));
        }

        public override void Forward(Tensor x, Tensor y, bool training)
        {
            for (int n = 0; n < x.Dim(0); n++)
                for (int j = 0; j < units; j++)
                {
                    float sum = _b.Value[j];
                    for (int i = 0; i < InputShape[0]; i++)
                        sum += x[n, i] * _w.Value[i, j];
                    y[n, j] = sum;
                }
        }

        public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
        {
            float scale = fault == Fault.ScaledBy1_01 ? 1.01f : 1f;
            dx?.Clear();
            for (int n = 0; n < x.Dim(0); n++)
                for (int j = 0; j < units; j++)
                {
                    float d = dy[n, j] * scale;
                    if (fault != Fault.DropsBiasGradient)
                        _b.Grad[j] += d;
                    for (int i = 0; i < InputShape[0]; i++)
                    {
                        _w.Grad[i, j] += d * x[n, i];
                        if (dx is not null)
                            dx[n, i] += d * _w.Value[i, j];
                    }
                }
        }
    }

    [Theory]
    [InlineData(Fault.ScaledBy1_01)]
    [InlineData(Fault.DropsBiasGradient)]
    public void Gradient_check_fails_on_a_broken_backward(Fault fault)
    {
        var rng = new Rng(5);
        var layer = new BrokenLinear(4, fault) { Name = "broken" };
        layer.Build([6], rng);
        var x = TestData.Uniform(rng, -1, 1, 3, 6);
        var result = GradientCheck.CheckLayer(layer, x);
        Assert.False(result.Passed, $"the checker accepted a backward with fault {fault}: {result}");
        if (fault == Fault.DropsBiasGradient)
            Assert.All(result.Failures, f => Assert.Equal("broken/bias", f.Tensor));
    }

    [Fact]
    public void Gradient_check_passes_on_the_same_layer_without_a_fault()
    {
        var rng = new Rng(5);
        var layer = new Dense(4) { Name = "dense" };
        layer.Build([6], rng);
        var x = TestData.Uniform(rng, -1, 1, 3, 6);
        Assert.True(GradientCheck.CheckLayer(layer, x).Passed);
    }

    [Fact]
    public void Gradient_check_fails_with_a_step_far_too_large_for_a_curved_function()
    {
        var rng = new Rng(9);
        var logits = TestData.Uniform(rng, -3, 3, 4, 10);
        var targets = TestData.OneHot(rng, 4, 10);
        var result = GradientCheck.CheckSoftmaxCrossEntropy(logits, targets, new GradientCheckOptions(Step: 2.0, Threshold: 1e-3, Floor: 1e-2));
        Assert.False(result.Passed, result.ToString());
    }
}
