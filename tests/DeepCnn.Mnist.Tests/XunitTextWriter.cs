using System.Text;
using Xunit.Abstractions;

namespace DeepCnn.Mnist.Tests;

/// <summary>Sends the library's progress messages to the test output, one line at a time.</summary>
internal sealed class XunitTextWriter(ITestOutputHelper output) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            output.WriteLine(_line.ToString().TrimEnd('\r'));
            _line.Clear();
        }
        else
        {
            _line.Append(value);
        }
    }
}
