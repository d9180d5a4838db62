using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Training;
using DeepCnn.Tensors;
using Xunit;

namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>After the first call, a Conv2D forward and backward, and a training step through residual blocks, allocate nothing on the calling thread, serial or parallel.</summary>
public class AllocationTests
{
    [Theory]
    [InlineData(1, "same")]
    [InlineData(2, "same")]
    [InlineData(2, "valid")]
    public void Conv2D_steady_state_allocates_nothing(int threads, string padding)
    {
        ForcedThreads.Run(threads, () =>
        {
            var conv = new Conv2D(4, 3, padding: padding, activation: "relu") { Name = "conv" };
            conv.Build([4, 12, 12], new Rng(1));
            var rng = new Rng(2);
            var x = TestData.Uniform(rng, -1, 1, 6, 4, 12, 12);
            var y = new Tensor([6, .. conv.OutputShape]);
            var dy = TestData.Uniform(rng, -1, 1, y.Shape.ToArray());
            var dx = new Tensor(x.Shape.ToArray());
            for (int i = 0; i < 3; i++)
            {
                conv.Forward(x, y, training: true);
                conv.Backward(x, y, dy, dx);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                conv.Forward(x, y, training: true);
                conv.Backward(x, y, dy, dx);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_training_step_through_residual_blocks_allocates_nothing(int threads)
    {
        ForcedThreads.Run(threads, () =>
        {
            // Two pre-activation blocks (run item by item, borrowing their gradient buffers) and a
            // block run layer by layer, with a block nested inside it.
            var model = new Sequential(seed: 4);
            model.Add(new Conv2D(4, 3, padding: "same", inputShape: [10, 10, 1]));
            model.Add(Residual.PreActivation(4));
            model.Add(Residual.PreActivation(4, zeroInitLastNorm: false));
            model.Add(new Residual([new Conv2D(4, 3, padding: "same", activation: "relu"), Residual.PreActivation(4), new BatchNormalization()]));
            model.Add(new Flatten());
            model.Add(new Dense(10, activation: "softmax"));
            model.Compile(new Adam());
            var rng = new Rng(5);
            var x = TestData.Uniform(rng, 0, 1, 8, 1, 10, 10);
            var y = TestData.OneHot(rng, 8, 10);
            for (int i = 0; i < 3; i++)
                model.TrainStep(x, y);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
                model.TrainStep(x, y);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        });
    }
}
