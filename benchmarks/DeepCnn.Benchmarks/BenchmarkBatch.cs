using DeepCnn.Tensors;

namespace DeepCnn.Benchmarks;

/// <summary>A fixed random MNIST-shaped batch: images [10, 1, 28, 28] in [0, 1) and one-hot labels [10, 10].</summary>
internal static class BenchmarkBatch
{
    public static (Tensor X, Tensor Y) Create(ulong seed)
    {
        var rng = new Rng(seed);
        var x = new Tensor(10, 1, 28, 28);
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextUniform(0, 1);
        var y = new Tensor(10, 10);
        for (int i = 0; i < 10; i++)
            y[i, rng.NextInt(10)] = 1f;
        return (x, y);
    }
}
