using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>
/// Training gives bit-identical weights for any thread count: the kernels split work per batch
/// item and reduce partial gradients in item order, never in completion order.
/// </summary>
public class ThreadDeterminismTests
{
    [Fact]
    public void Training_with_1_2_and_3_threads_gives_bitwise_identical_weights()
    {
        var one = TrainedWeights(1);
        foreach (int threads in new[] { 2, 3 })
        {
            var other = TrainedWeights(threads);
            Assert.Equal(one.Count, other.Count);
            for (int p = 0; p < one.Count; p++)
                for (int i = 0; i < one[p].Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(one[p][i]) == BitConverter.SingleToInt32Bits(other[p][i]),
                        $"{threads} threads: parameter {p} element {i} is {other[p][i]:G9}, 1 thread gave {one[p][i]:G9}.");
        }
    }

    // A small model with every layer kind whose backward reduces over the batch: Conv2D (both paths), BN, a residual block (run item by item), Dropout, Dense.
    private static List<float[]> TrainedWeights(int threads)
    {
        return ForcedThreads.Run(threads, () =>
        {
            var model = new Sequential(seed: 11);
            model.Add(new Conv2D(4, 3, padding: "same", activation: "relu", inputShape: [13, 13, 2]));
            model.Add(new BatchNormalization());
            model.Add(Residual.PreActivation(4, zeroInitLastNorm: false));
            model.Add(new Conv2D(4, 3, padding: "same", activation: "relu"));
            model.Add(new Dropout(0.3));
            model.Add(new Conv2D(8, 3, strides: 2, activation: "relu"));
            model.Add(new MaxPool2D(2));
            model.Add(new Flatten());
            model.Add(new Dense(10, activation: "softmax"));
            model.Compile(new Adam(0.01));
            var rng = new Rng(5);
            var x = TestData.Uniform(rng, 0, 1, 7, 2, 13, 13);
            var y = TestData.OneHot(rng, 7, 10);
            for (int step = 0; step < 4; step++)
                model.TrainStep(x, y);
            return model.Parameters.Select(p => p.Value.ToArray()).ToList();
        });
    }
}
