using DeepCnn.IO;
using DeepCnn.Serialization;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>A save that fails part-way leaves the previous file as it was and no temporary file behind.</summary>
public class AtomicSaveTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(500)]
    [InlineData(5000)]
    public void A_save_that_fails_mid_write_leaves_the_old_file_intact(long failAfter)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.Combine("model.deepcnn");
        var old = ModelFiles.Small(seed: 1);
        old.Save(path);
        byte[] before = File.ReadAllBytes(path);
        var replacement = ModelFiles.Small(seed: 2);

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => replacement.Save(new FailingStream(stream, failAfter))));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.deepcnn"], directory.FileNames());
        ModelFiles.AssertSameWeights(old, Sequential.Load(path));
    }

    [Fact]
    public void The_bytes_a_failed_save_did_write_are_rejected_as_truncated()
    {
        var partial = new MemoryStream();
        Assert.Throws<IOException>(() => ModelFiles.Small(seed: 1).Save(new FailingStream(partial, 3000)));
        var error = Assert.Throws<ModelFormatException>(() => ModelFiles.FromBytes(partial.ToArray()));
        Assert.StartsWith(ModelFiles.FileName + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_save_leaves_the_old_file_intact()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.Combine("model.deepcnn");
        ModelFiles.Small(seed: 1).Save(path);
        byte[] before = File.ReadAllBytes(path);
        var unsupported = new Sequential("too-deep");
        unsupported.Add(new DeepCnn.Layers.Dense(3, inputShape: [3]));
        unsupported.Add(ModelFiles.Nest(17, new DeepCnn.Layers.Dense(3)));

        Assert.Throws<NotSupportedException>(() => unsupported.Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.deepcnn"], directory.FileNames());
    }

    [Fact]
    public void Saving_replaces_an_existing_file()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.Combine("model.deepcnn");
        ModelFiles.Small(seed: 1).Save(path);
        var second = ModelFiles.Small(seed: 2);
        second.Save(path);
        ModelFiles.AssertSameWeights(second, Sequential.Load(path));
        Assert.Equal(["model.deepcnn"], directory.FileNames());
    }
}
