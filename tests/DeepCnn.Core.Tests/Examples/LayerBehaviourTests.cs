using DeepCnn.Core.Tests.Support;
using DeepCnn.Initializers;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using Xunit;

namespace DeepCnn.Core.Tests.Examples;

public class LayerBehaviourTests
{
    [Fact]
    public void Dropout_keeps_the_expected_scale_in_training()
    {
        var layer = new Dropout(0.4, seed: 11) { Name = "dropout" };
        layer.Build([100_000], new Rng(0));
        var x = new Tensor(1, 100_000);
        x.Fill(1f);
        var y = new Tensor(1, 100_000);
        layer.Forward(x, y, training: true);
        var values = y.ToArray();
        double kept = values.Count(v => v != 0) / (double)values.Length;
        Assert.InRange(kept, 0.59, 0.61);
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - (1 / 0.6f)) < 1e-6));
        Assert.InRange(values.Average(v => (double)v), 0.98, 1.02);
    }

    [Fact]
    public void Dropout_masks_repeat_for_the_same_seed()
    {
        float[] Run()
        {
            var layer = new Dropout(0.5, seed: 3) { Name = "d" };
            layer.Build([64], new Rng(0));
            var x = new Tensor(2, 64);
            x.Fill(1f);
            var y = new Tensor(2, 64);
            layer.Forward(x, y, training: true);
            return y.ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Adam_first_three_steps_equal_a_hand_computed_trace()
    {
        // Keras's epsilon-hat Adam on w = 1 with gradients 0.5, -1.0, 2.0, worked by hand:
        // t=1: m=0.05, v=0.00025, lr_t=0.001*sqrt(0.001)/0.1, w -= lr_t*m/(sqrt(v)+1e-7)
        double w = 1, m = 0, v = 0;
        double[] grads = [0.5, -1.0, 2.0];
        var layer = new Dense(1, useBias: false) { Name = "d" };
        layer.Build([1], new Rng(0));
        var p = layer.Kernel;
        p.Value[0] = 1f;
        var adam = new Adam();
        for (int t = 1; t <= 3; t++)
        {
            double g = grads[t - 1];
            m += (g - m) * 0.1;
            v += ((g * g) - v) * 0.001;
            double lrT = 1e-3 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
            w -= lrT * m / (Math.Sqrt(v) + 1e-7);
            p.Grad[0] = (float)g;
            adam.Step([p]);
            Assert.Equal(w, p.Value[0], 6);
            if (t == 1)
                Assert.Equal(1 - 1e-3, p.Value[0], 6); // the first step moves by lr whatever the gradient's size
        }
    }

    [Fact]
    public void Sgd_with_and_without_momentum_follows_keras()
    {
        var layer = new Dense(1, useBias: false) { Name = "d" };
        layer.Build([1], new Rng(0));
        var p = layer.Kernel;
        p.Value[0] = 1f;
        p.Grad[0] = 2f;
        new Sgd(0.1).Step([p]);
        Assert.Equal(0.8f, p.Value[0], 6);
        var momentum = new Sgd(0.1, 0.9);
        momentum.Step([p]); // v = -0.2, w = 0.6
        momentum.Step([p]); // v = 0.9*-0.2 - 0.2 = -0.38, w = 0.22
        Assert.Equal(0.22f, p.Value[0], 5);
    }

    [Fact]
    public void Glorot_uniform_uses_kerass_fans_for_a_conv_kernel()
    {
        var layer = new Conv2D(4, 3) { Name = "c" };
        layer.Build([4, 10, 10], new Rng(1));
        double limit = Math.Sqrt(6.0 / (36 + 36)); // 0.2887, fan_in = fan_out = 3*3*4
        var w = layer.Kernel.Value.ToArray();
        Assert.All(w, v => Assert.InRange(v, -limit, limit));
        Assert.True(w.Max() > limit * 0.9 && w.Min() < -limit * 0.9);
        Assert.All(layer.Bias!.Value.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void He_normal_is_a_truncated_normal_with_stddev_sqrt_2_over_fan_in()
    {
        var w = new float[200_000];
        WeightInit.Fill(w, Initializer.HeNormal, fanIn: 36, fanOut: 36, new Rng(3));
        double std = Math.Sqrt(w.Average(v => (double)v * v));
        Assert.Equal(Math.Sqrt(2.0 / 36), std, 2);
        double bound = 2 * Math.Sqrt(2.0 / 36) / 0.87962566103423978;
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void Conv_same_padding_follows_tensorflow_for_stride_two()
    {
        // in 7, k 3, s 2: out = ceil(7/2) = 4, total padding = (4-1)*2 + 3 - 7 = 2 -> 1 before, 1 after.
        var g = ConvGeometryFor(7, 3, 2);
        Assert.Equal((4, 1), (g.OutHeight, g.PadTop));
        // in 6, k 3, s 2: out 3, total padding 1 -> 0 before, 1 after (the extra goes to the bottom).
        g = ConvGeometryFor(6, 3, 2);
        Assert.Equal((3, 0), (g.OutHeight, g.PadTop));
    }

    private static Kernels.ConvGeometry ConvGeometryFor(int size, int k, int s) =>
        Kernels.ConvGeometry.Create(1, size, size, 1, k, k, s, Kernels.Padding.Same);

    [Fact]
    public void Maxpool_floors_odd_sizes()
    {
        var layer = new MaxPool2D(2) { Name = "p" };
        layer.Build([3, 25, 25], new Rng(0));
        Assert.Equal([3, 12, 12], layer.OutputShape);
    }

    [Fact]
    public void Layers_reject_tensors_of_the_wrong_shape_with_a_clear_message()
    {
        var layer = new Dense(3) { Name = "dense_x" };
        layer.Build([4], new Rng(0));
        var e = Assert.Throws<ShapeMismatchException>(() => layer.Forward(new Tensor(2, 5), new Tensor(2, 3), false));
        Assert.Contains("dense_x", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 5]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_hyper_parameters_are_rejected_by_name()
    {
        Assert.Contains("padding", Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "full")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0));
        Assert.Contains("activation", Assert.Throws<ArgumentException>(() => new Dense(3, activation: "tanhh")).Message, StringComparison.OrdinalIgnoreCase);
    }
}
