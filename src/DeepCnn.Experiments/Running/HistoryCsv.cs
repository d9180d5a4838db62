using System.Globalization;
using System.Text;
using DeepCnn.IO;
using DeepCnn.Training;

namespace DeepCnn.Experiments.Running;

/// <summary>history.csv (epoch, loss, accuracy, val_loss, val_accuracy, seconds), rewritten atomically after every epoch.</summary>
internal sealed class HistoryCsv(string path) : ITrainingCallback
{
    public const string Header = "epoch,loss,accuracy,val_loss,val_accuracy,seconds";

    private readonly List<EpochRecord> _records = [];

    /// <summary>The epochs completed so far.</summary>
    public IReadOnlyList<EpochRecord> Records => _records;

    public void OnEpochEnd(EpochRecord record, int epochs)
    {
        _records.Add(record);
        Write(path, _records);
    }

    public static void Write(string path, IEnumerable<EpochRecord> records)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in records)
            sb.Append(string.Join(',', r.Epoch.ToString(CultureInfo.InvariantCulture), Number(r.Loss), Number(r.Accuracy),
                Number(r.ValLoss), Number(r.ValAccuracy), Number(r.Seconds))).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static string Number(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
