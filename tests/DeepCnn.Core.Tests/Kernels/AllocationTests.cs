using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Parallel;
using DeepCnn.Tensors;
using Xunit;

namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>After the first call, a Conv2D forward and backward allocate nothing on the calling thread, serial or parallel.</summary>
[Collection(SimdWidthCollection.Name)]
public class AllocationTests
{
    [Theory]
    [InlineData(1, "same")]
    [InlineData(2, "same")]
    [InlineData(2, "valid")]
    public void Conv2D_steady_state_allocates_nothing(int threads, string padding)
    {
        int saved = Compute.ThreadCount;
        Compute.ThreadCount = threads;
        try
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
        }
        finally
        {
            Compute.ThreadCount = saved;
        }
    }
}
