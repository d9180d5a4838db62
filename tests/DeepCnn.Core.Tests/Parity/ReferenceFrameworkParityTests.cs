using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Losses;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Parity;

/// <summary>
/// Every layer, the loss, Adam and a whole training run against numbers produced independently by
/// PyTorch (Fixtures/parity.json, made by tools/make_parity_fixtures.py with Keras's conventions).
/// </summary>
public class ReferenceFrameworkParityTests
{
    private const double Rel = 1e-4, Abs = 1e-5;

    [Theory]
    [InlineData("conv_same_s1", "same", null)]
    [InlineData("conv_valid_s2", "valid", null)]
    [InlineData("conv_relu", "same", "relu")]
    public void Conv2D_matches_the_reference_framework(string name, string padding, string? activation)
    {
        var c = Fixture.Case(name);
        var x = c.Tensor("x");
        var w = c.Tensor("w");
        foreach (var algorithm in new[] { ConvAlgorithm.Im2Col, ConvAlgorithm.Reference })
        {
            var layer = new Conv2D(w.Dim(0), w.Dim(2), (int)c.Scalar("stride"), padding, activation) { Name = name, Algorithm = algorithm };
            layer.Build([x.Dim(1), x.Dim(2), x.Dim(3)], new Rng(0));
            w.CopyTo(layer.Kernel.Value);
            c.Tensor("b").CopyTo(layer.Bias!.Value);
            var (y, dx) = RunLayer(layer, x, c.Tensor("dy"));
            TestData.AssertClose(c.Tensor("y").Span, y.Span, Rel, Abs, $"{name} {algorithm} y");
            TestData.AssertClose(c.Tensor("dx").Span, dx.Span, Rel, Abs, $"{name} {algorithm} dx");
            TestData.AssertClose(c.Tensor("dw").Span, layer.Kernel.Grad.Span, Rel, Abs, $"{name} {algorithm} dw");
            TestData.AssertClose(c.Tensor("db").Span, layer.Bias.Grad.Span, Rel, Abs, $"{name} {algorithm} db");
        }
    }

    [Fact]
    public void MaxPool2D_matches_the_reference_framework()
    {
        var c = Fixture.Case("maxpool");
        var x = c.Tensor("x");
        var layer = new MaxPool2D(2, 2) { Name = "pool" };
        layer.Build([x.Dim(1), x.Dim(2), x.Dim(3)], new Rng(0));
        var (y, dx) = RunLayer(layer, x, c.Tensor("dy"));
        TestData.AssertClose(c.Tensor("y").Span, y.Span, 0, 0, "maxpool y");
        TestData.AssertClose(c.Tensor("dx").Span, dx.Span, 0, 0, "maxpool dx");
    }

    [Fact]
    public void Dense_matches_the_reference_framework()
    {
        var c = Fixture.Case("dense");
        var x = c.Tensor("x");
        var w = c.Tensor("w");
        var layer = new Dense(w.Dim(1)) { Name = "dense" };
        layer.Build([x.Dim(1)], new Rng(0));
        w.CopyTo(layer.Kernel.Value);
        c.Tensor("b").CopyTo(layer.Bias!.Value);
        var (y, dx) = RunLayer(layer, x, c.Tensor("dy"));
        TestData.AssertClose(c.Tensor("y").Span, y.Span, Rel, Abs, "dense y");
        TestData.AssertClose(c.Tensor("dx").Span, dx.Span, Rel, Abs, "dense dx");
        TestData.AssertClose(c.Tensor("dw").Span, layer.Kernel.Grad.Span, Rel, Abs, "dense dw");
        TestData.AssertClose(c.Tensor("db").Span, layer.Bias.Grad.Span, Rel, Abs, "dense db");
    }

    [Fact]
    public void Flatten_uses_kerass_channels_last_order()
    {
        var c = Fixture.Case("flatten");
        var x = c.Tensor("x");
        var layer = new Flatten { Name = "flatten" };
        layer.Build([x.Dim(1), x.Dim(2), x.Dim(3)], new Rng(0));
        var y = new Tensor([x.Dim(0), .. layer.OutputShape]);
        layer.Forward(x, y, training: false);
        TestData.AssertClose(c.Tensor("y").Span, y.Span, 0, 0, "flatten y");
    }

    [Fact]
    public void BatchNormalization_matches_the_reference_framework_including_moving_statistics()
    {
        var c = Fixture.Case("batchnorm");
        var x = c.Tensor("x");
        var layer = new BatchNormalization { Name = "bn" };
        layer.Build([x.Dim(1), x.Dim(2), x.Dim(3)], new Rng(0));
        c.Tensor("gamma").CopyTo(layer.Gamma.Value);
        c.Tensor("beta").CopyTo(layer.Beta.Value);
        var (y, dx) = RunLayer(layer, x, c.Tensor("dy"));
        TestData.AssertClose(c.Tensor("y").Span, y.Span, Rel, Abs, "bn y");
        TestData.AssertClose(c.Tensor("dx").Span, dx.Span, 1e-3, 1e-5, "bn dx");
        TestData.AssertClose(c.Tensor("dgamma").Span, layer.Gamma.Grad.Span, Rel, Abs, "bn dgamma");
        TestData.AssertClose(c.Tensor("dbeta").Span, layer.Beta.Grad.Span, Rel, Abs, "bn dbeta");
        TestData.AssertClose(c.Tensor("moving_mean").Span, layer.MovingMean.Value.Span, Rel, Abs, "bn moving mean");
        TestData.AssertClose(c.Tensor("moving_var").Span, layer.MovingVariance.Value.Span, Rel, Abs, "bn moving variance");
    }

    [Fact]
    public void Softmax_cross_entropy_matches_the_reference_framework()
    {
        var c = Fixture.Case("softmax_ce");
        var logits = c.Tensor("logits");
        var grad = new Tensor(logits.Shape.ToArray());
        double loss = CategoricalCrossentropy.FromLogits(logits, c.Tensor("labels"), grad);
        Assert.Equal(c.Scalar("loss"), loss, 1e-6);
        TestData.AssertClose(c.Tensor("dlogits").Span, grad.Span, Rel, 1e-7, "dlogits");
    }

    [Fact]
    public void Adam_matches_the_reference_trace_of_three_steps()
    {
        var c = Fixture.Case("adam_trace");
        var layer = new Dense(5, useBias: false) { Name = "d" };
        layer.Build([1], new Rng(0));
        var p = layer.Kernel;
        c.Tensor("w0").Span.CopyTo(p.Value.Span);
        var adam = new Adam();
        for (int step = 1; step <= 3; step++)
        {
            c.Tensor($"g{step}").Span.CopyTo(p.Grad.Span);
            adam.Step([p]);
            TestData.AssertClose(c.Tensor($"w{step}").Span, p.Value.Span, 1e-6, 1e-8, $"w after step {step}");
        }
        TestData.AssertClose(c.Tensor("m3").Span, adam.Moments(p).M, 1e-5, 1e-9, "m after 3 steps");
        TestData.AssertClose(c.Tensor("v3").Span, adam.Moments(p).V, 1e-5, 1e-12, "v after 3 steps");
    }

    [Fact]
    public void A_small_conv_net_trains_for_ten_adam_steps_like_the_reference_framework()
    {
        var c = Fixture.Case("small_net");
        var model = new Sequential();
        var conv1 = new Conv2D(4, 3, activation: "relu", inputShape: [12, 12, 1]);
        var bn = new BatchNormalization();
        var conv2 = new Conv2D(4, 3, padding: "same", activation: "relu");
        var dense1 = new Dense(16, activation: "relu");
        var dense2 = new Dense(10, activation: "softmax");
        model.Add(conv1).Add(bn).Add(conv2).Add(new MaxPool2D(2)).Add(new Flatten()).Add(dense1).Add(dense2);
        model.Compile(new Adam(), new CategoricalCrossentropy());
        var parameters = new (string Name, Parameter P)[]
        {
            ("conv1_w", conv1.Kernel), ("conv1_b", conv1.Bias!), ("bn_gamma", bn.Gamma), ("bn_beta", bn.Beta),
            ("conv2_w", conv2.Kernel), ("conv2_b", conv2.Bias!), ("dense1_w", dense1.Kernel), ("dense1_b", dense1.Bias!),
            ("dense2_w", dense2.Kernel), ("dense2_b", dense2.Bias!),
        };
        foreach (var (name, p) in parameters)
            c.Tensor(name).CopyTo(p.Value);
        var x = c.Tensor("x");
        var y = c.Tensor("y");

        var expectedLosses = c.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (int step = 0; step < expectedLosses.Length; step++)
        {
            var (loss, _) = model.TrainStep(x, y);
            Assert.True(Math.Abs(expectedLosses[step] - loss) < 1e-4, $"step {step + 1}: loss {loss:G9}, reference {expectedLosses[step]:G9}");
            if (step == 0)
                foreach (var (name, p) in parameters)
                    TestData.AssertClose(c.GetProperty("grads0").Tensor($"{name}_grad").Span, p.Grad.Span, 1e-3, 1e-5, $"{name} gradient at step 1");
        }
        foreach (var (name, p) in parameters)
            TestData.AssertClose(c.Tensor($"{name}_final").Span, p.Value.Span, 1e-3, 1e-4, $"{name} after 10 steps");
        TestData.AssertClose(c.Tensor("bn_moving_mean_final").Span, bn.MovingMean.Value.Span, 1e-4, 1e-5, "moving mean after 10 steps");
        TestData.AssertClose(c.Tensor("bn_moving_var_final").Span, bn.MovingVariance.Value.Span, 1e-4, 1e-5, "moving variance after 10 steps");
        TestData.AssertClose(c.Tensor("inference_probs").Span, model.Predict(x).Span, 1e-3, 1e-5, "inference predictions");
    }

    private static (Tensor Y, Tensor Dx) RunLayer(Layer layer, Tensor x, Tensor dy)
    {
        var y = new Tensor([x.Dim(0), .. layer.OutputShape]);
        layer.Forward(x, y, training: true);
        var dx = new Tensor(x.Shape.ToArray());
        layer.Backward(x, y, dy, dx);
        return (y, dx);
    }
}
