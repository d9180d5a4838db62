using System.Buffers.Binary;
using System.IO.Compression;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Serialization;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Files written by format version 1 still load, unchanged, and are re-saved as version 2.</summary>
public class VersionOneFileTests
{
    /// <summary>
    /// A file written by the version 1 writer, byte for byte (gzip, then base64): model
    /// "written-by-v1", seed 7, Dense(3, relu, input [4]), BatchNormalization, Dropout(0.5),
    /// Dense(2, softmax), trained two Adam steps, saved with its training state.
    /// </summary>
    private const string WrittenByVersionOne = """
        H4sIAAAAAAACA7WXTWwbRRSAHQRS1T8VhFQOHIxFb0mzMzu7O5s4dinJoZeA6goENEQTe5ys2B+zOzZN3VQRjSBcEKhCQuVCD6gI
        EJUqhJQ2TeilB4RUiTZU6hVQhcQFIcSBQ5nx/niTrJ3EsS2Nvfvmzcz33rwfeXRs7OUXx8dTfalU6s8nU6n63nQ6YzklamaG0uKF
        v9rEovwt845rMEbtganZgRrI9PuTHqUlPqkFr4ZdqbLCDKmIFW80ZOk0avxO8O85oZYxySx1vUihHqhl2GxjWWaU2h4NDoidX1ov
        rtoGE5vIkYQUmVEjzHBsoe5SsxrT9uhxgwh95lZpJH6LujY1T/CtDGIaZ6krVk6bjuuwSX5A2XGt5h4lWjSJS0snkowMzfQNDUxN
        MO44YcWZcb6vOM+H3WTplNCZtJOVLMeiNqtaXFE6quuRnFY8w2yYLh2VJNAWYtR1Kk6VJfh444RLGG1sqbTfsM2VTYLNlwZbXJrn
        lJlFznTl3nxg/j3RiDrmEsM27OlmYJuOJzbOFLmN045rFIk5WXS5kPuX+2E2jHGnwgwrOGST5S+USCxETEpcccjJ0G0SiOamKCPA
        v7V1MhjcZNJVgrEBSYvkBqNuw1UNF8YvxLeuwPjKpncz3ky1XDbpSWKXHKvAfKYwYAEGPExUJMlYRhqCAODoVoCKZQVrCtQRQLqi
        KLKihHMahFDWMIKarmkq18JRBmIM+X66pmgKhrKsAiVI/YAniK4YjxcDqkeZ5FeIpHgURm2ww7cFIgx0RQcIQQUhFelyf3xewUCY
        qikASlhDMgbKunkVaBAhWQLcNh1qCGApPo91rEsAyUCFus5tVHUYzU4ET3MbqhwvlZ6TVObWJcegH8nNCPI215UmiRyWmGZNCuOw
        bDqEybC5kVMue5SJ2IpFpz3NZrgI4cRsXk82JfKuDVdHMAhvpgGwLU1CNRycJpZFug6nSl2BE0nddTYNdoXNcmq8PE1alNhdR8So
        m4g14hrELtKuY+rqjjGDPraNZI2VHdgJHJASEgSibdFtlbCdAckJgde+fET9cjBe4gatXhY5gHZe5lpw1nrKifGuOcU9t/dmR2hQ
        3nliJKLVuo/WQdtoorVsIL1wYgc9ZDukPfBpBx2lPanoe71waQd9ZRugPfCovusEinrMFn7cZZeRO+gyLUlrPSVNaj87Jt26YnYG
        p6i77I0hW637bCpqySb+E++dO3f19fwFdWr19uWLK7c//mflyukbK3sKxdytH/bnr9h/rBzufzr39vyh/ML5Rzk4cSCfin0uLNX5
        +3z+r2fO5y/dWVw+c2cxe2/t7xsX659nxfzPl5eGH186l//l4dnGuDp4On//yAeri89dH/nyv/dWX9nzWv7W0r1c+sH7y3xkF+4e
        0cW6/QcP5RbufrEkng8c/GgllO9ryJs69N8CEM+/Xesb5s9QPP9+rS8byn/15ZFOqsXnsVdBTvw+/PFdHZtuQ6+ytgY+/ATkLqUL
        N48d+z576rA3bP30tf7Npy/hU/PfjfBxM1z/aOSpIT6uf/Z8fUiMUL721ROyGMaz32b5WH5zn4vF+B+jdgZbcBMAAA==
        """;

    private static byte[] VersionOneFile()
    {
        using var unzip = new GZipStream(new MemoryStream(Convert.FromBase64String(WrittenByVersionOne)), CompressionMode.Decompress);
        using var file = new MemoryStream();
        unzip.CopyTo(file);
        return file.ToArray();
    }

    [Fact]
    public void A_version_1_file_loads_with_its_weights_and_training_state()
    {
        byte[] file = VersionOneFile();
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));
        var (header, data) = ModelFiles.Split(file);

        var model = ModelFiles.FromBytes(file);

        Assert.Equal(("written-by-v1", 7UL), (model.Name, model.Seed));
        Assert.Equal(["Dense", "BatchNormalization", "Dropout", "Dense"], model.Layers.Select(l => l.TypeName));
        var adam = Assert.IsType<Adam>(model.Optimizer);
        Assert.Equal((0.01, 2L, 2L), (adam.LearningRate, adam.Iterations, model.TrainSteps));
        var state = header["training"]!["dropoutRandomStates"]![0]!["state"]!.AsArray().Select(w => (ulong)w!).ToArray();
        Assert.Equal((state[0], state[1], state[2], state[3]), ((Dropout)model.Layers[2]).Random.State);
        var weights = model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
        ModelFiles.AssertBits(FloatsOf(data).AsSpan(0, weights.Length), weights, "weights");
    }

    [Fact]
    public void Re_saving_a_version_1_file_writes_version_2_with_the_same_tensors()
    {
        byte[] original = VersionOneFile();
        byte[] resaved = ModelFiles.ToBytes(ModelFiles.FromBytes(original));

        Assert.Equal(ModelFileFormat.Version, BinaryPrimitives.ReadUInt32LittleEndian(resaved.AsSpan(8)));
        var (oldHeader, oldData) = ModelFiles.Split(original);
        var (newHeader, newData) = ModelFiles.Split(resaved);
        Assert.Equal(oldData, newData);
        Assert.Equal(oldHeader.ToJsonString(), newHeader.ToJsonString());
    }

    private static float[] FloatsOf(byte[] data)
    {
        var floats = new float[data.Length / 4];
        for (int i = 0; i < floats.Length; i++)
            floats[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(4 * i));
        return floats;
    }
}
