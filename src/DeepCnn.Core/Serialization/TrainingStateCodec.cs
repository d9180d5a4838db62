using System.Text.Json;
using DeepCnn.Layers;
using DeepCnn.Losses;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Serialization;

/// <summary>The header's optional <c>training</c> object and the optimizer tensors it implies.</summary>
internal static class TrainingStateCodec
{
    private static readonly string[] OptimizerTypes = ["Adam", "SGD"];

    /// <summary>Throws <see cref="NotSupportedException"/> when the model's training state cannot be saved.</summary>
    public static void RequireSupported(Sequential model, Optimizer optimizer)
    {
        if (model.Loss is not CategoricalCrossentropy)
            throw new NotSupportedException($"Model '{model.Name}' uses loss {model.Loss?.GetType().Name}; only categorical cross-entropy can be saved with the training state. Save with includeOptimizer: false.");
        if (optimizer is not (Adam or Sgd))
            throw new NotSupportedException($"Model '{model.Name}' uses optimizer {optimizer.GetType().Name}; only Adam and SGD can be saved with the training state. Save with includeOptimizer: false.");
    }

    /// <summary>Writes the <c>training</c> object of a compiled, built model.</summary>
    public static void Write(Utf8JsonWriter json, Sequential model, Optimizer optimizer)
    {
        json.WriteStartObject("training");
        json.WriteString("loss", ModelFileFormat.CategoricalCrossentropy);
        json.WriteStartObject("optimizer");
        switch (optimizer)
        {
            case Adam adam:
                json.WriteString("type", "Adam");
                json.WriteNumber("learningRate", adam.LearningRate);
                json.WriteNumber("beta1", adam.Beta1);
                json.WriteNumber("beta2", adam.Beta2);
                json.WriteNumber("epsilon", adam.Epsilon);
                break;
            case Sgd sgd:
                json.WriteString("type", "SGD");
                json.WriteNumber("learningRate", sgd.LearningRate);
                json.WriteNumber("momentum", sgd.Momentum);
                break;
        }
        json.WriteNumber("iterations", optimizer.Iterations);
        json.WriteEndObject();
        json.WriteNumber("trainSteps", model.TrainSteps);
        WriteState(json, "shuffleRandomState", model.ShuffleRandom.State);
        json.WriteStartArray("dropoutRandomStates");
        foreach (var (path, layer) in LayerPaths.Walk(model.Layers))
        {
            if (layer is not Dropout dropout)
                continue;
            json.WriteStartObject();
            json.WriteString("layer", path);
            WriteState(json, "state", dropout.Random.State);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteState(Utf8JsonWriter json, string name, (ulong, ulong, ulong, ulong) state)
    {
        json.WriteStartArray(name);
        json.WriteNumberValue(state.Item1);
        json.WriteNumberValue(state.Item2);
        json.WriteNumberValue(state.Item3);
        json.WriteNumberValue(state.Item4);
        json.WriteEndArray();
    }

    /// <summary>Reads and validates the <c>training</c> object, creating the optimizer it describes.</summary>
    public static TrainingState Read(JsonElement training, HeaderFields fields)
    {
        const string path = "training";
        fields.RequireObject(training, path, "loss", "optimizer", "trainSteps", "shuffleRandomState", "dropoutRandomStates");
        fields.Choice(training, "loss", path, ModelFileFormat.CategoricalCrossentropy);
        var element = fields.Required(training, "optimizer", path);
        const string at = "training.optimizer";
        if (element.ValueKind != JsonValueKind.Object)
            throw fields.Error(at, "must be an object");
        Optimizer optimizer;
        if (fields.Choice(element, "type", at, OptimizerTypes) == "Adam")
        {
            fields.RequireObject(element, at, "type", "learningRate", "beta1", "beta2", "epsilon", "iterations");
            optimizer = new Adam(
                fields.Double(element, "learningRate", at, v => v > 0, "positive"),
                fields.Double(element, "beta1", at, v => v >= 0 && v < 1, "in [0, 1)"),
                fields.Double(element, "beta2", at, v => v >= 0 && v < 1, "in [0, 1)"),
                fields.Double(element, "epsilon", at, v => v > 0, "positive"));
        }
        else
        {
            fields.RequireObject(element, at, "type", "learningRate", "momentum", "iterations");
            double learningRate = fields.Double(element, "learningRate", at, v => v > 0, "positive");
            // Version 1 had no place for the velocity, so its files only hold plain SGD.
            var momentum = fields.Version >= 2
                ? fields.Double(element, "momentum", at, v => v >= 0 && v < 1, "in [0, 1)")
                : fields.Double(element, "momentum", at, v => v == 0, "0 in a version 1 file (SGD with momentum needs format version 2)");
            optimizer = new Sgd(learningRate, momentum);
        }
        optimizer.Iterations = fields.Long(element, "iterations", at, 0, long.MaxValue);

        long trainSteps = fields.Long(training, "trainSteps", path, 0, long.MaxValue);
        var shuffle = fields.RandomState(training, "shuffleRandomState", path);
        var array = fields.Array(training, "dropoutRandomStates", path, ModelFileFormat.MaxLayers);
        var dropouts = new List<(string, (ulong, ulong, ulong, ulong))>();
        int i = 0;
        foreach (var entry in array.EnumerateArray())
        {
            string entryPath = $"training.dropoutRandomStates[{i++}]";
            fields.RequireObject(entry, entryPath, "layer", "state");
            dropouts.Add((fields.String(entry, "layer", entryPath), fields.RandomState(entry, "state", entryPath)));
        }
        return new TrainingState(optimizer, trainSteps, shuffle, dropouts);
    }

    /// <summary>
    /// The optimizer's per-parameter tensors, in directory order: for every trainable parameter,
    /// layer by layer, Adam's m then v, or SGD's velocity when it has momentum; none for plain SGD.
    /// The parameters are those the optimizer updates — a residual block's, shared with its branch —
    /// so the names carry the layer path like the weights'. The tensors share the optimizer's arrays,
    /// so the writer reads from them and the reader fills them.
    /// </summary>
    public static List<(string Name, Tensor Value)> OptimizerTensors(Sequential model, Optimizer optimizer)
    {
        var tensors = new List<(string, Tensor)>();
        foreach (var layer in model.Layers)
            foreach (var p in layer.Parameters.Where(p => p.Trainable))
            {
                string prefix = $"optimizer/{layer.Name}/{p.Name}";
                int[] shape = p.Value.Shape.ToArray();
                switch (optimizer)
                {
                    case Adam adam:
                        var (m, v) = adam.Moments(p);
                        tensors.Add(($"{prefix}/m", Tensor.FromArray(m, shape)));
                        tensors.Add(($"{prefix}/v", Tensor.FromArray(v, shape)));
                        break;
                    case Sgd { Momentum: > 0 } sgd:
                        tensors.Add(($"{prefix}/velocity", Tensor.FromArray(sgd.Velocity(p), shape)));
                        break;
                }
            }
        return tensors;
    }
}
