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
    public static Sequential ModelII(ulong seed = 0, int depth = 800)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(16, 3, activation: "relu", inputShape: InputShape));
        for (int i = 0; i < depth; i++)
            model.Add(new Conv2D(4, 3, activation: "relu", padding: "same"));
        model.Add(new Conv2D(16, 3, activation: "relu"));
        return AddHead(model);
    }

    /// <summary>III: as II with 32 four-filter convolutions. 43,242 parameters.</summary>
    public static Sequential ModelIII(ulong seed = 0) => ModelII(seed, depth: 32);

    /// <summary>
    /// IV: 16 blocks of BatchNormalization, Conv2D(4, same, relu), Dropout(0.4), Conv2D(4, same, relu).
    /// 43,546 parameters, of which 152 (the moving statistics) are non-trainable.
    /// </summary>
    public static Sequential ModelIV(ulong seed = 0)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(16, 3, activation: "relu", inputShape: InputShape));
        for (int i = 0; i < 16; i++)
        {
            model.Add(new BatchNormalization());
            model.Add(new Conv2D(4, 3, activation: "relu", padding: "same"));
            model.Add(new Dropout(0.4));
            model.Add(new Conv2D(4, 3, activation: "relu", padding: "same"));
        }
        model.Add(new Conv2D(16, 3, activation: "relu"));
        return AddHead(model);
    }

    // The shared tail: pool, flatten, two 16-unit ReLU layers and the softmax classifier.
    private static Sequential AddHead(Sequential model)
    {
        model.Add(new MaxPool2D(poolSize: 2, strides: 2));
        model.Add(new Flatten());
        model.Add(new Dense(16, activation: "relu"));
        model.Add(new Dense(16, activation: "relu"));
        model.Add(new Dense(10, activation: "softmax"));
        model.Build();
        return model;
    }
}
