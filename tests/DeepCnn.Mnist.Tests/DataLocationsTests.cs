namespace DeepCnn.Mnist.Tests;

public sealed class DataLocationsTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;

    [Fact]
    public void The_argument_wins_over_the_environment_variable()
    {
        var environment = Environment(("DEEPCNN_DATA", "/from/variable"));

        Assert.Equal("/from/argument", DataLocations.DataDirectory("/from/argument", environment));
        Assert.Equal("/from/variable", DataLocations.DataDirectory(null, environment));
        Assert.Null(DataLocations.DataDirectory(null, Environment(("DEEPCNN_DATA", ""))));
    }

    [Fact]
    public void The_cache_follows_xdg()
    {
        Assert.Equal("/xdg/deepcnn/mnist", DataLocations.CacheDirectory(Environment(("XDG_CACHE_HOME", "/xdg")), "/home/me"));
        Assert.Equal("/home/me/.cache/deepcnn/mnist", DataLocations.CacheDirectory(Environment(), "/home/me"));
        // The XDG specification says relative paths are invalid and must be ignored.
        Assert.Equal("/home/me/.cache/deepcnn/mnist", DataLocations.CacheDirectory(Environment(("XDG_CACHE_HOME", "relative")), "/home/me"));
    }

    [Fact]
    public void The_keras_cache_follows_keras_home()
    {
        Assert.Equal("/home/me/.keras/datasets/mnist.npz", DataLocations.KerasCache(Environment(), "/home/me"));
        Assert.Equal("/k/datasets/mnist.npz", DataLocations.KerasCache(Environment(("KERAS_HOME", "/k")), "/home/me"));
    }
}
