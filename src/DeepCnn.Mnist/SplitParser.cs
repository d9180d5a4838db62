using DeepCnn.Mnist.Idx;

namespace DeepCnn.Mnist;

/// <summary>Turns the four files of an MNIST-style data set into its train and test splits.</summary>
internal static class SplitParser
{
    /// <summary>Parses the files named by <see cref="IdxFileNames"/>, checking counts and label ranges.</summary>
    internal static (ImageSet Train, ImageSet Test) Parse(IReadOnlyDictionary<string, byte[]> files) =>
        (Parse(files, IdxFileNames.TrainImages, IdxFileNames.TrainLabels),
         Parse(files, IdxFileNames.TestImages, IdxFileNames.TestLabels));

    private static ImageSet Parse(IReadOnlyDictionary<string, byte[]> files, string imagesName, string labelsName) =>
        IdxReader.ReadImageSet(files[imagesName], imagesName, files[labelsName], labelsName);
}
