using DeepCnn.Layers;
using DeepCnn.Models;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Examples;

/// <summary>Keras's exact parameter counts and summary layout.</summary>
public class SummaryTests
{
    [Fact]
    public void Model_I_summary_matches_keras_character_for_character()
    {
        const string expected = """
            Model: "sequential"
            _________________________________________________________________
            Layer (type)                 Output Shape              Param #   
            =================================================================
            conv2d (Conv2D)              (None, 26, 26, 16)        160       
            _________________________________________________________________
            conv2d_1 (Conv2D)            (None, 24, 24, 16)        2320      
            _________________________________________________________________
            conv2d_2 (Conv2D)            (None, 22, 22, 16)        2320      
            _________________________________________________________________
            conv2d_3 (Conv2D)            (None, 20, 20, 16)        2320      
            _________________________________________________________________
            max_pooling2d (MaxPooling2D) (None, 10, 10, 16)        0         
            _________________________________________________________________
            flatten (Flatten)            (None, 1600)              0         
            _________________________________________________________________
            dense (Dense)                (None, 16)                25616     
            _________________________________________________________________
            dense_1 (Dense)              (None, 16)                272       
            _________________________________________________________________
            dense_2 (Dense)              (None, 10)                170       
            =================================================================
            Total params: 33,178
            Trainable params: 33,178
            Non-trainable params: 0
            _________________________________________________________________

            """;
        Assert.Equal(expected.Replace("\r\n", "\n"), NotebookModels.ModelI().Summary());
    }

    [Theory]
    [InlineData(1, 33_178, 33_178, 0)]
    [InlineData(2, 156_906, 156_906, 0)]
    [InlineData(3, 43_242, 43_242, 0)]
    [InlineData(4, 43_546, 43_394, 152)]
    public void Notebook_models_have_kerass_parameter_counts(int model, long total, long trainable, long nonTrainable)
    {
        var m = model switch
        {
            1 => NotebookModels.ModelI(),
            2 => NotebookModels.ModelII(),
            3 => NotebookModels.ModelIII(),
            _ => NotebookModels.ModelIV(),
        };
        Assert.Equal(total, m.TotalParameters);
        Assert.Equal(trainable, m.TrainableParameters);
        Assert.Equal(nonTrainable, m.NonTrainableParameters);
        Assert.Contains($"Total params: {total:N0}", m.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Model_IV_rows_truncate_long_names_like_keras()
    {
        var lines = NotebookModels.ModelIV().Summary().Split('\n');
        Assert.Contains("batch_normalization (BatchNo (None, 26, 26, 16)        64        ", lines);
        Assert.Contains("dropout (Dropout)            (None, 26, 26, 4)         0         ", lines);
        Assert.Contains("Non-trainable params: 152", lines);
    }

    [Fact]
    public void An_incompatible_stack_fails_at_build_naming_the_layer_and_both_shapes()
    {
        var model = new Sequential();
        model.Add(new Conv2D(8, 3, inputShape: [5, 5, 1]));
        model.Add(new Conv2D(8, 3));
        model.Add(new Conv2D(8, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => model.Build());
        Assert.Contains("Layer 2 'conv2d_2' (Conv2D)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 1, 1, 8)", e.Message, StringComparison.Ordinal);
        Assert.Contains("3x3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dense_after_an_image_asks_for_flatten()
    {
        var model = new Sequential();
        model.Add(new Conv2D(4, 3, inputShape: [6, 6, 1]));
        model.Add(new Dense(10));
        var e = Assert.Throws<ShapeMismatchException>(() => model.Build());
        Assert.Contains("Layer 1 'dense' (Dense)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 4, 4, 4)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Flatten", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_an_input_shape_says_where_to_give_it()
    {
        var model = new Sequential();
        model.Add(new Dense(3));
        var e = Assert.Throws<InvalidOperationException>(() => model.Build());
        Assert.Contains("inputShape", e.Message, StringComparison.Ordinal);
    }
}
