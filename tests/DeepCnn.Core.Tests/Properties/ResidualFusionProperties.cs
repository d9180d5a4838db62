using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.Properties;

/// <summary>
/// A residual block runs its branch fused (BatchNorm+ReLU in one pass, the skip added by the last
/// Conv2D, the pre-activation pattern item by item, a block taking the next one's first BatchNorm
/// statistics); <see cref="Residual.Fuse"/> = false runs the
/// layers one by one. Training both ways must give the same bits: outputs, input gradients, weights.
/// </summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class ResidualFusionProperties
{
    // Branches: the pre-activation block (item pipeline), a one-unit pipeline, BatchNorm+ReLU fused
    // before a Conv2D with its own ReLU (no pipeline, no skip fusion), a branch that starts with a Conv2D.
    private static readonly Func<int, Residual>[] Blocks =
    [
        c => Residual.PreActivation(c, zeroInitLastNorm: false),
        c => new Residual([new BatchNormalization(), new ReLU(), new Conv2D(c, 3, padding: "same")]),
        c => new Residual([new BatchNormalization(), new ReLU(), new Conv2D(c, 1, activation: "relu")]),
        c => new Residual([new Conv2D(c + 1, 3, padding: "same"), new BatchNormalization(), new ReLU(), new Conv2D(c, 1)]),
    ];

    [Property]
    public void A_fused_block_trains_bit_identically_to_the_layer_by_layer_one(ImageCase c)
    {
        foreach (var make in Blocks)
            AssertSameTraining(make, c.Batch + 1, c.Channels, c.Height, c.Width, c.Seed);
    }

    [Fact]
    public void Model_VIIIs_block_at_its_real_size_trains_bit_identically_fused_and_unfused()
    {
        // Batch 10 x 4 x 26 x 26: above the size where BatchNorm's passes go parallel.
        AssertSameTraining(Blocks[0], 10, 4, 26, 26, seed: 3);
    }

    private static void AssertSameTraining(Func<int, Residual> make, int batch, int channels, int height, int width, ulong seed)
    {
        var (fusedOut, fusedDx, fusedWeights) = Train(make, fuse: true, batch, channels, height, width, seed);
        var (plainOut, plainDx, plainWeights) = Train(make, fuse: false, batch, channels, height, width, seed);
        string what = $"{make(channels).Sublayers.Count}-layer branch, batch {batch}, {channels} ch, {height}x{width}, seed {seed}";
        AssertBits(plainOut, fusedOut, $"output, {what}");
        AssertBits(plainDx, fusedDx, $"input gradient, {what}");
        for (int p = 0; p < plainWeights.Count; p++)
            AssertBits(plainWeights[p], fusedWeights[p], $"parameter {p}, {what}");
    }

    // Three Adam steps of conv -> block -> block -> dense head; returns the last output, dL/dx and every parameter.
    private static (float[] Output, float[] InputGradient, List<float[]> Weights) Train(Func<int, Residual> make, bool fuse,
        int batch, int channels, int height, int width, ulong seed)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(channels, 3, padding: "same", inputShape: [height, width, 2]));
        model.Add(make(channels));
        model.Add(make(channels));
        model.Add(new Flatten());
        model.Add(new Dense(5, activation: "softmax"));
        model.Compile(new Adam(0.01));
        foreach (var block in model.Layers.OfType<Residual>())
            block.Fuse = fuse;
        var rng = new Rng(seed + 1);
        var x = TestData.Uniform(rng, -1, 1, batch, 2, height, width);
        var y = TestData.OneHot(rng, batch, 5);
        for (int step = 0; step < 3; step++)
            model.TrainStep(x, y);
        var dx = new Tensor(x.Shape.ToArray());
        model.ComputeGradients(x, y, dx);
        return (model.Forward(x, training: false).ToArray(), dx.ToArray(), model.Parameters.Select(p => p.Value.ToArray()).ToList());
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i} is {actual[i]:G9} fused, {expected[i]:G9} layer by layer.");
    }
}
