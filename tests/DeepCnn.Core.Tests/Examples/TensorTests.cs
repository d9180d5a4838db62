using DeepCnn.Tensors;
using Xunit;

namespace DeepCnn.Core.Tests.Examples;

public class TensorTests
{
    [Fact]
    public void Reshape_and_batch_slices_are_views_that_share_storage()
    {
        var t = new Tensor(2, 3, 4);
        var flat = t.Reshape(24);
        flat[5] = 7f;
        Assert.Equal(7f, t[5]);
        var second = t.SliceBatch(1, 1);
        second[0] = 9f;
        Assert.Equal(9f, t[12]);
        Assert.Equal([1, 3, 4], second.Shape.ToArray());
    }

    [Fact]
    public void Reshape_to_another_element_count_names_both_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new Tensor(2, 3).Reshape(4, 2));
        Assert.Contains("[2, 3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_nhwc_transposes_keras_images_to_channels_first()
    {
        // One 2x2 image with 3 channels; value = 100*h + 10*w + c.
        var nhwc = new float[12];
        for (int h = 0; h < 2; h++)
            for (int w = 0; w < 2; w++)
                for (int c = 0; c < 3; c++)
                    nhwc[(((h * 2) + w) * 3) + c] = (100 * h) + (10 * w) + c;
        var t = Tensor.FromNhwc(nhwc, 1, 2, 2, 3);
        Assert.Equal([1, 3, 2, 2], t.Shape.ToArray());
        Assert.Equal(112f, t[0, 2, 1, 1]);
        Assert.Equal(10f, t[0, 0, 0, 1]);
    }

    [Fact]
    public void From_array_with_the_wrong_length_fails_clearly()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.FromArray(new float[5], 2, 3));
        Assert.Contains("5 elements", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keras_shapes_convert_to_channels_first_and_back()
    {
        Assert.Equal([1, 28, 28], ShapeFormat.FromKeras([28, 28, 1]));
        Assert.Equal("(None, 26, 26, 16)", ShapeFormat.FormatKerasBatch([16, 26, 26]));
        Assert.Throws<ShapeMismatchException>(() => ShapeFormat.FromKeras([1, 2]));
    }
}
