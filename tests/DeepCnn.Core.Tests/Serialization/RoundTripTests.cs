using DeepCnn.Core.Tests.Support;
using DeepCnn.Initializers;
using DeepCnn.Kernels;
using DeepCnn.Layers;
using DeepCnn.Losses;
using DeepCnn.Models;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Save then load gives the same model: architecture, summary, weights, predictions, training state.</summary>
public class RoundTripTests
{
    public static TheoryData<string> NotebookModelNames => ["I", "II", "III", "IV"];

    private static Sequential Notebook(string name) => name switch
    {
        "I" => NotebookModels.ModelI(seed: 3),
        "II" => NotebookModels.ModelII(seed: 3),
        "III" => NotebookModels.ModelIII(seed: 3),
        _ => NotebookModels.ModelIV(seed: 3),
    };

    [Theory]
    [MemberData(nameof(NotebookModelNames))]
    public void Notebook_models_keep_their_summary_weights_and_predictions_bit_for_bit(string name)
    {
        var model = Notebook(name);
        model.Compile();
        var rng = new Rng(11);
        // One step makes the Adam moments and (for IV) the BatchNorm moving statistics non-trivial.
        model.TrainStep(TestData.Uniform(rng, 0, 1, 4, 1, 28, 28), TestData.OneHot(rng, 4, 10));
        var images = TestData.Uniform(rng, 0, 1, 6, 1, 28, 28);

        using var directory = new TemporaryDirectory();
        string path = directory.Combine($"model-{name}.deepcnn");
        model.Save(path);
        var loaded = Sequential.Load(path);

        Assert.Equal(model.Summary(), loaded.Summary());
        Assert.Equal(model.Name, loaded.Name);
        Assert.Equal(model.Seed, loaded.Seed);
        Assert.Equal(model.InputShape, loaded.InputShape);
        ModelFiles.AssertSameWeights(model, loaded);
        ModelFiles.AssertBits(model.Predict(images).Span, loaded.Predict(images).Span, $"model {name} predictions");
        var adam = Assert.IsType<Adam>(loaded.Optimizer);
        Assert.Equal(1, adam.Iterations);
        var original = (Adam)model.Optimizer!;
        foreach (var (p, q) in model.Parameters.Zip(loaded.Parameters).Where(pair => pair.First.Trainable))
        {
            ModelFiles.AssertBits(original.Moments(p).M, adam.Moments(q).M, $"m of {p.Name}");
            ModelFiles.AssertBits(original.Moments(p).V, adam.Moments(q).V, $"v of {p.Name}");
        }
    }

    [Fact]
    public void Every_hyper_parameter_survives_including_non_defaults()
    {
        var model = new Sequential("every-layer", seed: 99);
        model.Add(new Conv2D(3, 2, strides: 2, padding: "same", activation: null, inputShape: [9, 7, 2], useBias: false, kernelInitializer: Initializer.HeNormal) { Name = "stem" });
        model.Add(new ReLU());
        model.Add(new BatchNormalization(momentum: 0.9, epsilon: 1e-5));
        model.Add(new MaxPool2D(poolSize: 3, strides: 1));
        model.Add(new Dropout(0.25));
        model.Add(new Flatten());
        model.Add(new Dense(5, activation: "relu", useBias: false, kernelInitializer: Initializer.HeUniform));
        model.Add(new BatchNormalization(momentum: 0.5, epsilon: 0.1));
        model.Add(new Dense(3, activation: "softmax", kernelInitializer: Initializer.Zeros) { Name = "classifier" });
        model.Compile(new Adam(learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-6));

        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model));

        Assert.Equal(model.Layers.Select(l => (l.Name, l.TypeName)), loaded.Layers.Select(l => (l.Name, l.TypeName)));
        var conv = Assert.IsType<Conv2D>(loaded.Layers[0]);
        Assert.Equal((3, 2, 2, Padding.Same, Activation.None, false, Initializer.HeNormal), (conv.Filters, conv.KernelSize, conv.Strides, conv.Padding, conv.Activation, conv.UseBias, conv.KernelInitializer));
        Assert.Equal(model.Layers[0].DeclaredInputShape, conv.DeclaredInputShape);
        var norm = Assert.IsType<BatchNormalization>(loaded.Layers[2]);
        Assert.Equal((0.9, 1e-5), (norm.Momentum, norm.Epsilon));
        var pool = Assert.IsType<MaxPool2D>(loaded.Layers[3]);
        Assert.Equal((3, 1), (pool.PoolSize, pool.Strides));
        Assert.Equal(0.25, Assert.IsType<Dropout>(loaded.Layers[4]).Rate);
        var dense = Assert.IsType<Dense>(loaded.Layers[6]);
        Assert.Equal((5, Activation.ReLU, false, Initializer.HeUniform), (dense.Units, dense.Activation, dense.UseBias, dense.KernelInitializer));
        Assert.Null(dense.DeclaredInputShape);
        Assert.Equal((0.5, 0.1), (((BatchNormalization)loaded.Layers[7]).Momentum, ((BatchNormalization)loaded.Layers[7]).Epsilon));
        var head = Assert.IsType<Dense>(loaded.Layers[8]);
        Assert.Equal((3, Activation.Softmax, true, Initializer.Zeros), (head.Units, head.Activation, head.UseBias, head.KernelInitializer));
        var adam = Assert.IsType<Adam>(loaded.Optimizer);
        Assert.Equal((0.003, 0.8, 0.99, 1e-6), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon));
        Assert.IsType<CategoricalCrossentropy>(loaded.Loss);
        Assert.Equal(model.Summary(), loaded.Summary());
    }

    [Fact]
    public void Vector_input_models_round_trip()
    {
        var model = new Sequential("mlp", seed: 5);
        model.Add(new Dense(6, activation: "relu", inputShape: [10]));
        model.Add(new BatchNormalization());
        model.Add(new Dense(2, activation: "softmax"));
        model.Build();
        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model));
        var x = TestData.Uniform(new Rng(1), -1, 1, 3, 10);
        Assert.Equal(new[] { 10 }, loaded.InputShape);
        ModelFiles.AssertBits(model.Predict(x).Span, loaded.Predict(x).Span, "predictions");
    }

    [Fact]
    public void Without_the_training_state_the_model_must_be_compiled_before_training()
    {
        var model = ModelFiles.Small(seed: 4);
        var (x, y) = ModelFiles.Batches(1, seed: 1)[0];
        model.TrainStep(x, y);

        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model, includeOptimizer: false));

        Assert.True(loaded.IsBuilt);
        Assert.Null(loaded.Optimizer);
        Assert.Null(loaded.Loss);
        Assert.Throws<InvalidOperationException>(() => loaded.TrainStep(x, y));
        ModelFiles.AssertSameWeights(model, loaded);
        loaded.Compile();
        loaded.TrainStep(x, y);
    }

    [Fact]
    public void Without_the_training_state_Dropout_draws_as_in_a_fresh_model_with_the_same_seed()
    {
        var fresh = ModelFiles.Small(seed: 8);
        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(ModelFiles.Small(seed: 8), includeOptimizer: false));
        Assert.Equal(fresh.SaveRandomState(), loaded.SaveRandomState());
    }

    [Fact]
    public void An_uncompiled_model_saves_without_training_state_even_when_asked()
    {
        var model = NotebookModels.ModelI(seed: 1);
        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model, includeOptimizer: true));
        Assert.Null(loaded.Optimizer);
        ModelFiles.AssertSameWeights(model, loaded);
    }

    [Fact]
    public void Plain_SGD_is_restored_with_its_step_count()
    {
        var model = ModelFiles.Small(seed: 2, new Sgd(learningRate: 0.05));
        foreach (var (x, y) in ModelFiles.Batches(2, seed: 3))
            model.TrainStep(x, y);
        var sgd = Assert.IsType<Sgd>(ModelFiles.FromBytes(ModelFiles.ToBytes(model)).Optimizer);
        Assert.Equal((0.05, 0.0, 2L), (sgd.LearningRate, sgd.Momentum, sgd.Iterations));
    }

    [Fact]
    public void SGD_with_momentum_is_restored_with_its_velocity()
    {
        var model = ModelFiles.Small(seed: 2, new Sgd(learningRate: 0.05, momentum: 0.9));
        foreach (var (x, y) in ModelFiles.Batches(2, seed: 3))
            model.TrainStep(x, y);
        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model));
        var sgd = Assert.IsType<Sgd>(loaded.Optimizer);
        Assert.Equal((0.05, 0.9, 2L), (sgd.LearningRate, sgd.Momentum, sgd.Iterations));
        Assert.Contains(sgd.Velocity(loaded.Parameters[0]), v => v != 0);
        ResumeTests.AssertSameTrainingState(model, loaded);
    }

    [Fact]
    public void An_explicit_Dropout_seed_survives_and_still_fixes_the_masks()
    {
        var model = new Sequential("seeded", seed: 1);
        model.Add(new Dense(4, inputShape: [3]));
        model.Add(new Dropout(0.5, seed: 12345678901234567890));
        model.Add(new Dropout(0.5));
        model.Build();

        var loaded = ModelFiles.FromBytes(ModelFiles.ToBytes(model));

        Assert.Equal(12345678901234567890, Assert.IsType<Dropout>(loaded.Layers[1]).Seed);
        Assert.Null(Assert.IsType<Dropout>(loaded.Layers[2]).Seed);
        // Uncompiled, so the file has no training state: both generators come from the seeds again
        // (the seeded layer draws nothing from the model's stream, which shifts the other's seed).
        Assert.Equal(model.SaveRandomState(), loaded.SaveRandomState());
    }

    [Fact]
    public void A_layer_type_the_format_does_not_know_is_refused_on_save()
    {
        var model = new Sequential();
        model.Add(new Flatten());
        model.Add(new Doubler());
        model.Build([4]);
        var error = Assert.Throws<NotSupportedException>(() => ModelFiles.ToBytes(model));
        Assert.Contains("Doubler", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A user-defined layer: y = 2x.</summary>
    private sealed class Doubler : Layer
    {
        public override string TypeName => "Doubler";

        public override string NamePrefix => "doubler";

        protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

        public override void Forward(Tensor x, Tensor y, bool training)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = 2 * x[i];
        }

        public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
        {
            if (dx is not null)
                for (int i = 0; i < dy.Length; i++)
                    dx[i] = 2 * dy[i];
        }
    }
}
