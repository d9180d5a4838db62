using DeepCnn.Core.Tests.Support;
using DeepCnn.Kernels;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.Properties;

/// <summary>Invariants that hold for any shape and values.</summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class InvariantProperties
{
    [Property]
    public void Softmax_rows_sum_to_one_and_are_positive(DenseCase c)
    {
        var rng = new Rng(c.Seed);
        var z = TestData.Uniform(rng, -50, 50, c.Batch, c.Units);
        var y = new Tensor(c.Batch, c.Units);
        Softmax.Forward(z.Span, y.Span, c.Batch, c.Units, 1);
        for (int n = 0; n < c.Batch; n++)
        {
            Assert.Equal(1.0, y.Sample(n).ToArray().Sum(v => (double)v), 5);
            Assert.All(y.Sample(n).ToArray(), v => Assert.True(v >= 0 && float.IsFinite(v)));
        }
    }

    [Property]
    public void Dropout_is_the_identity_at_inference(ImageCase c)
    {
        var layer = new Dropout(0.4) { Name = "dropout" };
        layer.Build([c.Channels, c.Height, c.Width], new Rng(c.Seed));
        var x = TestData.Uniform(new Rng(c.Seed), -1, 1, c.Shape);
        var y = new Tensor(c.Shape);
        layer.Forward(x, y, training: false);
        Assert.Equal(x.ToArray(), y.ToArray());
    }

    [Property]
    public void MaxPool_gradient_reaches_only_the_argmax_of_each_window(PoolCase c)
    {
        var rng = new Rng(c.Image.Seed);
        var layer = new MaxPool2D(c.PoolSize, c.Stride) { Name = "pool" };
        layer.Build([c.Image.Channels, c.Image.Height, c.Image.Width], rng);
        var x = TestData.Uniform(rng, -1, 1, c.Image.Shape);
        var y = new Tensor([c.Image.Batch, .. layer.OutputShape]);
        layer.Forward(x, y, training: true);
        var dy = TestData.Uniform(rng, 0.5f, 1.5f, y.Shape.ToArray());
        var dx = new Tensor(x.Shape.ToArray());
        layer.Backward(x, y, dy, dx);
        // Every nonzero dx sits on an element equal to the max of a window containing it, and the
        // total gradient is conserved.
        Assert.Equal(dy.ToArray().Sum(v => (double)v), dx.ToArray().Sum(v => (double)v), 3);
        var maxima = new HashSet<float>(y.ToArray());
        for (int i = 0; i < dx.Length; i++)
            if (dx[i] != 0)
                Assert.Contains(x[i], maxima);
    }

    [Property]
    public void BatchNormalization_output_per_channel_has_mean_zero_and_unit_variance_in_training(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        int batch = c.Batch + 1, spatial = c.Height * c.Width; // at least two values per channel
        var layer = new BatchNormalization { Name = "bn" };
        layer.Build([c.Channels, c.Height, c.Width], rng);
        var x = TestData.Uniform(rng, -3, 5, batch, c.Channels, c.Height, c.Width);
        var y = new Tensor(x.Shape.ToArray());
        layer.Forward(x, y, training: true);
        for (int ch = 0; ch < c.Channels; ch++)
        {
            var values = new List<double>();
            for (int n = 0; n < batch; n++)
                values.AddRange(y.Sample(n).Slice(ch * spatial, spatial).ToArray().Select(v => (double)v));
            double mean = values.Average();
            double variance = values.Average(v => (v - mean) * (v - mean));
            var xs = new List<double>();
            for (int n = 0; n < batch; n++)
                xs.AddRange(x.Sample(n).Slice(ch * spatial, spatial).ToArray().Select(v => (double)v));
            double xMean = xs.Average();
            double xVar = xs.Average(v => (v - xMean) * (v - xMean));
            Assert.Equal(0, mean, 4);
            Assert.Equal(xVar / (xVar + 1e-3), variance, 3); // epsilon keeps it just under 1
        }
    }
}
