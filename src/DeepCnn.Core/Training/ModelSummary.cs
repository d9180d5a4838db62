using System.Globalization;
using System.Text;
using DeepCnn.Layers;
using DeepCnn.Tensors;

namespace DeepCnn.Training;

/// <summary>
/// Formats a model as Keras 2.4's <c>model.summary()</c> for a Sequential model: line length 65,
/// column stops 29/55/65, fields truncated to their column, rows separated by underscores.
/// </summary>
internal static class ModelSummary
{
    private const int LineLength = 65;
    private static readonly int[] Positions = [29, 55, 65];

    public static string Format(string modelName, IReadOnlyList<Layer> layers)
    {
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(modelName).Append("\"\n");
        sb.Append('_', LineLength).Append('\n');
        sb.Append(Row("Layer (type)", "Output Shape", "Param #")).Append('\n');
        sb.Append('=', LineLength).Append('\n');
        long total = 0, trainable = 0;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            sb.Append(Row($"{layer.Name} ({layer.TypeName})", ShapeFormat.FormatKerasBatch(layer.OutputShape),
                layer.ParameterCount.ToString(CultureInfo.InvariantCulture))).Append('\n');
            sb.Append(i == layers.Count - 1 ? '=' : '_', LineLength).Append('\n');
            total += layer.ParameterCount;
            trainable += layer.Parameters.Where(p => p.Trainable).Sum(p => (long)p.Count);
        }
        if (layers.Count == 0)
            sb.Append('=', LineLength).Append('\n');
        sb.Append("Total params: ").Append(total.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Trainable params: ").Append(trainable.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("Non-trainable params: ").Append((total - trainable).ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append('_', LineLength).Append('\n');
        return sb.ToString();
    }

    // Keras's print_row: each field is appended after replacing the previous column's last
    // character with a space, then the line is cut or padded to the column stop.
    private static string Row(params string[] fields)
    {
        string line = "";
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
                line = line[..^1] + " ";
            line += fields[i];
            if (line.Length > Positions[i])
                line = line[..Positions[i]];
            line = line.PadRight(Positions[i]);
        }
        return line;
    }
}
