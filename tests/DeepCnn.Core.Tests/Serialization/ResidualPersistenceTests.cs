using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Models;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Residual blocks, nested ones included, survive save and load: architecture, weights stored once, predictions, training.</summary>
public class ResidualPersistenceTests
{
    [Fact]
    public void The_nested_architecture_comes_back_with_every_name_type_and_hyper_parameter()
    {
        var model = ModelFiles.WithResiduals(seed: 3);

        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model));

        Assert.Equal(Tree(model), Tree(loaded));
        var outer = Assert.IsType<Residual>(loaded.Layers[1]);
        var nested = Assert.IsType<Residual>(outer.Sublayers[4]);
        Assert.False(outer.ZeroInitLastNorm);
        Assert.True(Assert.IsType<Residual>(loaded.Layers[2]).ZeroInitLastNorm);
        Assert.Equal(0.9, Assert.IsType<BatchNormalization>(nested.Sublayers[0]).Momentum);
        Assert.Equal((0.3, 77UL), (((Dropout)nested.Sublayers[2]).Rate, ((Dropout)nested.Sublayers[2]).Seed));
        Assert.Null(((Dropout)outer.Sublayers[2]).Seed);
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void Each_tensor_is_stored_once_under_its_layer_path()
    {
        var model = ModelFiles.WithResiduals(seed: 3);
        var (header, data) = ModelFiles.Split(ModelFiles.ToBytes(model, includeOptimizer: false));

        var names = header["tensors"]!.AsArray().Select(t => (string)t!["name"]!).ToList();

        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Equal(model.TotalParameters * 4, data.Length);
        Assert.Equal(
            ["conv2d/kernel", "conv2d/bias",
             "residual/batch_normalization/gamma", "residual/batch_normalization/beta", "residual/batch_normalization/moving_mean", "residual/batch_normalization/moving_variance",
             "residual/conv2d/kernel", "residual/conv2d/bias",
             "residual/residual/batch_normalization/gamma", "residual/residual/batch_normalization/beta",
             "residual/residual/batch_normalization/moving_mean", "residual/residual/batch_normalization/moving_variance",
             "residual/residual/conv2d/kernel", "residual/residual/conv2d/bias"],
            names.Take(14));
    }

    [Fact]
    public void Training_with_BatchNorm_and_Dropout_inside_nested_blocks_resumes_bit_for_bit()
    {
        var batches = ModelFiles.Batches(6, seed: 12);
        var straight = ModelFiles.WithResiduals(seed: 5);
        var straightLosses = batches.Select(b => straight.TrainStep(b.X, b.Y).Loss).ToList();

        var interrupted = ModelFiles.WithResiduals(seed: 5);
        foreach (var (x, y) in batches.Take(2))
            interrupted.TrainStep(x, y);
        var resumed = ModelFiles.FromBytes(ModelFiles.ToBytes(interrupted));
        var resumedLosses = batches.Skip(2).Select(b => resumed.TrainStep(b.X, b.Y).Loss).ToList();

        Assert.Equal(straightLosses.Skip(2), resumedLosses);
        ModelFiles.AssertSameWeights(straight, resumed);
        ResumeTests.AssertSameTrainingState(straight, resumed);
    }

    [Fact]
    public void Without_the_training_state_nested_Dropout_draws_as_in_a_fresh_model_with_the_same_seed()
    {
        var fresh = ModelFiles.WithResiduals(seed: 8);
        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(ModelFiles.WithResiduals(seed: 8), includeOptimizer: false));
        Assert.Equal(2, fresh.SaveRandomState().Count);
        Assert.Equal(fresh.SaveRandomState(), loaded.SaveRandomState());
    }

    [Fact]
    public void Blocks_nested_sixteen_deep_round_trip()
    {
        var model = new Sequential("deep", seed: 2);
        model.Add(new Dense(3, inputShape: [3]));
        model.Add(ModelFiles.Nest(16, new Dense(3)));
        model.Build();
        var x = TestData.Uniform(new Rng(4), -1, 1, 2, 3);

        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model));

        Assert.Equal(Tree(model), Tree(loaded));
        ModelFiles.AssertBits(model.Predict(x).Span, loaded.Predict(x).Span, "predictions");
    }

    [Fact]
    public void Blocks_nested_seventeen_deep_are_refused_on_save()
    {
        var model = new Sequential("too-deep");
        model.Add(new Dense(3, inputShape: [3]));
        model.Add(ModelFiles.Nest(17, new Dense(3)));
        var error = Assert.Throws<NotSupportedException>(() => ModelFiles.ToBytes(model));
        Assert.Contains("nested more than 16 deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_layers_of_one_block_with_one_name_are_refused_on_save()
    {
        var model = new Sequential("twins");
        model.Add(new Dense(3, inputShape: [3]));
        model.Add(new Residual([new Dense(3) { Name = "twin" }, new Dense(3) { Name = "twin" }]));
        var error = Assert.Throws<NotSupportedException>(() => ModelFiles.ToBytes(model));
        Assert.Contains("'twin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Residual_model_II_with_3_blocks_keeps_its_summary_weights_and_predictions_bit_for_bit()
    {
        AssertRoundTrip(NotebookModels.ResidualII(seed: 3, blocks: 3));
    }

    [Fact]
    public void Residual_model_II_with_400_blocks_keeps_its_summary_weights_and_predictions_bit_for_bit()
    {
        AssertRoundTrip(NotebookModels.ResidualII(seed: 3));
    }

    // One training step (so the Adam moments, the BatchNorm statistics and the zero-initialized
    // gammas are non-trivial), then save to a file and load.
    private static void AssertRoundTrip(Sequential model)
    {
        model.Compile();
        var rng = new Rng(11);
        model.TrainStep(TestData.Uniform(rng, 0, 1, 4, 1, 28, 28), TestData.OneHot(rng, 4, 10));
        var images = TestData.Uniform(rng, 0, 1, 3, 1, 28, 28);

        using var directory = new TemporaryDirectory();
        string path = directory.Combine("residual.deepcnn");
        model.Save(path);
        var loaded = Sequential.Load(path);

        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(Tree(model), Tree(loaded));
        ModelFiles.AssertSameWeights(model, loaded);
        ModelFiles.AssertBits(model.Predict(images).Span, loaded.Predict(images).Span, "predictions");
        ResumeTests.AssertSameTrainingState(model, loaded);
    }

    // Every layer, depth first, as (depth, name, type).
    private static List<(int, string, string)> Tree(Sequential model)
    {
        var rows = new List<(int, string, string)>();
        void Visit(Layer layer, int depth)
        {
            rows.Add((depth, layer.Name, layer.TypeName));
            foreach (var inner in layer.Sublayers)
                Visit(inner, depth + 1);
        }
        foreach (var layer in model.Layers)
            Visit(layer, 0);
        return rows;
    }
}
