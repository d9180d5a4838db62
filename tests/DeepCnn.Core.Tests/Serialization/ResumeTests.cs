using DeepCnn.Core.Tests.Support;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Train N steps, save, load, train M more equals N + M steps without stopping: bit for bit.</summary>
public class ResumeTests
{
    [Fact]
    public void TrainStep_resumes_bit_for_bit_after_save_and_load()
    {
        var batches = ModelFiles.Batches(7, seed: 21);
        var straight = ModelFiles.Small(seed: 5);
        var straightLosses = batches.Select(b => straight.TrainStep(b.X, b.Y).Loss).ToList();

        var interrupted = ModelFiles.Small(seed: 5);
        foreach (var (x, y) in batches.Take(3))
            interrupted.TrainStep(x, y);
        using var directory = new TemporaryDirectory();
        string path = directory.Combine("checkpoint.deepcnn");
        interrupted.Save(path);
        var resumed = Sequential.Load(path);
        var resumedLosses = batches.Skip(3).Select(b => resumed.TrainStep(b.X, b.Y).Loss).ToList();

        Assert.Equal(straightLosses.Skip(3), resumedLosses);
        ModelFiles.AssertSameWeights(straight, resumed);
        AssertSameTrainingState(straight, resumed);
    }

    [Fact]
    public void Fit_with_shuffling_resumes_bit_for_bit_after_save_and_load()
    {
        var rng = new Rng(33);
        var x = TestData.Uniform(rng, 0, 1, 23, 1, 8, 8);
        var y = TestData.OneHot(rng, 23, 4);
        var straight = ModelFiles.Small(seed: 6);
        var straightHistory = straight.Fit(x, y, epochs: 3, batchSize: 5, validationSplit: 0.2);

        var interrupted = ModelFiles.Small(seed: 6);
        interrupted.Fit(x, y, epochs: 1, batchSize: 5, validationSplit: 0.2);
        var resumed = ModelFiles.FromBytes(ModelFiles.ToBytes(interrupted));
        var resumedHistory = resumed.Fit(x, y, epochs: 2, batchSize: 5, validationSplit: 0.2);

        Assert.Equal(straightHistory.Epochs.Skip(1).Select(e => (e.Loss, e.Accuracy, e.ValLoss, e.ValAccuracy)),
            resumedHistory.Epochs.Select(e => (e.Loss, e.Accuracy, e.ValLoss, e.ValAccuracy)));
        ModelFiles.AssertSameWeights(straight, resumed);
        AssertSameTrainingState(straight, resumed);
    }

    [Fact]
    public void Plain_SGD_resumes_bit_for_bit()
    {
        var batches = ModelFiles.Batches(4, seed: 8);
        var straight = ModelFiles.Small(seed: 9, new Sgd(0.1));
        foreach (var (x, y) in batches)
            straight.TrainStep(x, y);
        var interrupted = ModelFiles.Small(seed: 9, new Sgd(0.1));
        interrupted.TrainStep(batches[0].X, batches[0].Y);
        var resumed = ModelFiles.FromBytes(ModelFiles.ToBytes(interrupted));
        foreach (var (x, y) in batches.Skip(1))
            resumed.TrainStep(x, y);
        ModelFiles.AssertSameWeights(straight, resumed);
    }

    [Fact]
    public void SGD_with_momentum_resumes_bit_for_bit_with_its_velocity()
    {
        var batches = ModelFiles.Batches(5, seed: 13);
        var straight = ModelFiles.WithResiduals(seed: 10, new Sgd(0.05, momentum: 0.9));
        var straightLosses = batches.Select(b => straight.TrainStep(b.X, b.Y).Loss).ToList();

        var interrupted = ModelFiles.WithResiduals(seed: 10, new Sgd(0.05, momentum: 0.9));
        foreach (var (x, y) in batches.Take(2))
            interrupted.TrainStep(x, y);
        var resumed = ModelFiles.FromBytes(ModelFiles.ToBytes(interrupted));
        var resumedLosses = batches.Skip(2).Select(b => resumed.TrainStep(b.X, b.Y).Loss).ToList();

        Assert.Equal(straightLosses.Skip(2), resumedLosses);
        ModelFiles.AssertSameWeights(straight, resumed);
        AssertSameTrainingState(straight, resumed);
    }

    /// <summary>Step counts, random states, and Adam's moments or SGD's velocity, bit for bit.</summary>
    internal static void AssertSameTrainingState(Sequential expected, Sequential actual)
    {
        Assert.Equal(expected.Optimizer!.Iterations, actual.Optimizer!.Iterations);
        Assert.Equal(expected.TrainSteps, actual.TrainSteps);
        Assert.Equal(expected.SaveRandomState(), actual.SaveRandomState());
        Assert.Equal(expected.ShuffleRandom.State, actual.ShuffleRandom.State);
        foreach (var (p, q) in expected.Parameters.Zip(actual.Parameters).Where(pair => pair.First.Trainable))
        {
            switch (expected.Optimizer, actual.Optimizer)
            {
                case (Adam a, Adam b):
                    ModelFiles.AssertBits(a.Moments(p).M, b.Moments(q).M, $"m of {p.Name}");
                    ModelFiles.AssertBits(a.Moments(p).V, b.Moments(q).V, $"v of {p.Name}");
                    break;
                case (Sgd a, Sgd b):
                    Assert.Equal((a.LearningRate, a.Momentum), (b.LearningRate, b.Momentum));
                    ModelFiles.AssertBits(a.Velocity(p), b.Velocity(q), $"velocity of {p.Name}");
                    break;
                default:
                    Assert.Fail($"optimizer {expected.Optimizer.GetType().Name} came back as {actual.Optimizer.GetType().Name}");
                    break;
            }
        }
    }
}
