namespace DeepCnn.Mnist.Tests;

public sealed class ImageSetTests
{
    private readonly ImageSet _set = new([0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6], [3, 9], rows: 2, cols: 3);

    [Fact]
    public void Exposes_sizes_and_images()
    {
        Assert.Equal((2, 2, 3, 6), (_set.Count, _set.Rows, _set.Cols, _set.PixelsPerImage));
        Assert.Equal([1, 2, 3, 4, 5, 6], _set[1].ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => _set[2].Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => _set[-1].Length);
    }

    [Fact]
    public void Sizes_must_agree()
    {
        Assert.Throws<ArgumentException>(() => new ImageSet(new byte[11], [1, 2], 2, 3));
    }

    [Fact]
    public void Slice_copies_a_range()
    {
        var slice = _set.Slice(1, 1);

        Assert.Equal([1, 2, 3, 4, 5, 6], slice.Images);
        Assert.Equal([9], slice.Labels);
        slice.Images[0] = 99;
        Assert.Equal(1, _set.Images[6]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _set.Slice(1, 2));
    }

    [Fact]
    public void ToFloat_scales_to_the_unit_interval()
    {
        var scaled = _set.ToFloat();

        Assert.Equal(12, scaled.Length);
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], scaled[..6]);
        Assert.Equal(1f / 255f, scaled[6]);
    }

    [Fact]
    public void ToCategorical_one_hot_encodes()
    {
        var encoded = _set.ToCategorical();

        Assert.Equal(20, encoded.Length);
        Assert.Equal([0, 0, 0, 1, 0, 0, 0, 0, 0, 0], encoded[..10]);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], encoded[10..]);
    }

    [Fact]
    public void ToCategorical_refuses_labels_beyond_the_class_count()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessing.ToCategorical([1, 5], classCount: 5));

        Assert.Contains("label 5 at index 1 is not below the class count 5", error.Message);
    }
}
