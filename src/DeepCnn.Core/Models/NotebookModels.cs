using DeepCnn.Initializers;
using DeepCnn.Layers;
using DeepCnn.Training;

namespace DeepCnn.Models;

/// <summary>
/// The four networks of the notebook "How to train a very deep CNN model?", layer for layer as
/// written there (Keras defaults: Glorot-uniform kernels, zero biases, "valid" padding unless
/// "same" is written). All take 28x28x1 images and end in a 10-way softmax.
/// </summary>
public static class NotebookModels
{
    /// <summary>Input shape of every model, Keras order (height, width, channels).</summary>
    public static readonly int[] InputShape = [28, 28, 1];

    /// <summary>I: four 16-filter convolutions — the model that learns. 33,178 parameters.</summary>
    public static Sequential ModelI(ulong seed = 0)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(16, 3, activation: "relu", inputShape: InputShape));
        model.Add(new Conv2D(16, 3, activation: "relu"));
        model.Add(new Conv2D(16, 3, activation: "relu"));
        model.Add(new Conv2D(16, 3, activation: "relu"));
        return AddHead(model);
    }

    /// <summary>II: a 16-filter stem, 800 convolutions of 4 filters ("same"), a 16-filter convolution. 156,906 parameters.</summary>
    /// <param name="seed">Seeds the initial weights.</param>
    /// <param name="depth">Number of 4-filter convolutions.</param>
    /// <param name="init">Kernel initialization of every conv and dense layer (Keras's default: Glorot uniform).</param>
    public static Sequential ModelII(ulong seed = 0, int depth = 800, Initializer init = Initializer.GlorotUniform)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(16, 3, activation: "relu", inputShape: InputShape, kernelInitializer: init));
        for (int i = 0; i < depth; i++)
            model.Add(new Conv2D(4, 3, activation: "relu", padding: "same", kernelInitializer: init));
        model.Add(new Conv2D(16, 3, activation: "relu", kernelInitializer: init));
        return AddHead(model, init);
    }

    /// <summary>III: as II with 32 four-filter convolutions. 43,242 parameters.</summary>
    public static Sequential ModelIII(ulong seed = 0, Initializer init = Initializer.GlorotUniform) => ModelII(seed, depth: 32, init);

    /// <summary>
    /// IV: 16 blocks of BatchNormalization, Conv2D(4, same, relu), Dropout(0.4), Conv2D(4, same, relu).
    /// 43,546 parameters, of which 152 (the moving statistics) are non-trainable.
    /// </summary>
    /// <param name="seed">Seeds the initial weights and the dropout masks.</param>
    /// <param name="dropout">False removes the Dropout layers (BatchNorm alone, 55 layers).</param>
    public static Sequential ModelIV(ulong seed = 0, bool dropout = true)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(16, 3, activation: "relu", inputShape: InputShape));
        for (int i = 0; i < 16; i++)
        {
            model.Add(new BatchNormalization());
            model.Add(new Conv2D(4, 3, activation: "relu", padding: "same"));
            if (dropout)
                model.Add(new Dropout(0.4));
            model.Add(new Conv2D(4, 3, activation: "relu", padding: "same"));
        }
        model.Add(new Conv2D(16, 3, activation: "relu"));
        return AddHead(model);
    }

    /// <summary>
    /// A plain deep stack whose weights start too large: He-normal kernels multiplied by
    /// <paramref name="gain"/>, so every 4->4 ReLU convolution multiplies the activations' scale by
    /// about <paramref name="gain"/> until they overflow float32 — the exploding-gradient villain.
    /// </summary>
    public static Sequential ExplodingPlain(ulong seed = 0, int depth = 100, float gain = 3f)
    {
        var model = ModelII(seed, depth, Initializer.HeNormal);
        foreach (var conv in model.Layers.OfType<Conv2D>())
            System.Numerics.Tensors.TensorPrimitives.Multiply(conv.Kernel.Value.Span, gain, conv.Kernel.Value.Span);
        return model;
    }

    /// <summary>
    /// Model II's depth made trainable: the stem, a 16->4 convolution, <paramref name="blocks"/>
    /// pre-activation residual blocks x + Conv(ReLU(BN(Conv(ReLU(BN(x)))))) (two 4->4 convolutions
    /// each: 800 for 400 blocks), then II's 4->16 convolution and head, as in II (no normalization
    /// outside the blocks: the residual stream reaches the head as it is).
    /// With <paramref name="identityInit"/> each block's second BatchNorm starts with gamma = 0, so
    /// every block is the identity at initialization.
    /// </summary>
    public static Sequential ResidualII(ulong seed = 0, int blocks = 400, bool identityInit = true)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(16, 3, activation: "relu", inputShape: InputShape));
        model.Add(new Conv2D(4, 3, padding: "same"));
        for (int i = 0; i < blocks; i++)
            model.Add(Residual.PreActivation(4, zeroInitLastNorm: identityInit));
        model.Add(new Conv2D(16, 3, activation: "relu"));
        return AddHead(model);
    }

    // The shared tail: pool, flatten, two 16-unit ReLU layers and the softmax classifier.
    private static Sequential AddHead(Sequential model, Initializer init = Initializer.GlorotUniform)
    {
        model.Add(new MaxPool2D(poolSize: 2, strides: 2));
        model.Add(new Flatten());
        model.Add(new Dense(16, activation: "relu", kernelInitializer: init));
        model.Add(new Dense(16, activation: "relu", kernelInitializer: init));
        model.Add(new Dense(10, activation: "softmax", kernelInitializer: init));
        model.Build();
        return model;
    }
}
