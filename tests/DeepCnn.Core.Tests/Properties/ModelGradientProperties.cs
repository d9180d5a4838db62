using DeepCnn.Checking;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using FsCheck.Xunit;

namespace DeepCnn.Core.Tests.Properties;

/// <summary>A whole small Sequential, loss included, passes the gradient check on generated shapes.</summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class ModelGradientProperties
{
    [Property]
    public void Small_sequential_gradients_match_central_differences(ImageCase c)
    {
        int height = Math.Max(2, c.Height), width = Math.Max(2, c.Width), channels = Math.Min(c.Channels, 3);
        var model = new Sequential(seed: c.Seed);
        model.Add(new Conv2D(3, 3, padding: "same", inputShape: [height, width, channels]));
        model.Add(new BatchNormalization());
        model.Add(new ReLU());
        model.Add(new Dropout(0.3));
        model.Add(new MaxPool2D(2));
        model.Add(new Flatten());
        model.Add(new Dense(6, "relu"));
        model.Add(new Dense(4, "softmax"));
        model.Compile();
        var rng = new Rng(c.Seed);
        foreach (var p in model.Parameters.Where(p => p.Name == "bias" || p.Name == "beta"))
            LayerGradientProperties.Randomize(p.Value, rng, 0.3f);
        var x = TestData.Uniform(rng, -1, 1, c.Batch, channels, height, width);
        var y = TestData.OneHot(rng, c.Batch, 4);
        LayerGradientProperties.AssertPasses(GradientCheck.CheckModel(model, x, y, LayerGradientProperties.ModelLevel), $"{c}", LayerGradientProperties.CompositeMinChecked);
    }
}
