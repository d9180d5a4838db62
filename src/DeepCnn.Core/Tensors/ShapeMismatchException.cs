namespace DeepCnn.Tensors;

/// <summary>Thrown when tensors or layers are combined with shapes that do not fit together.</summary>
public class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception with a message that names both shapes.</summary>
    public ShapeMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public ShapeMismatchException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public ShapeMismatchException()
    {
    }
}
