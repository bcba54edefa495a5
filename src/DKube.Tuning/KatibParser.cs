using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DKube.Tuning;

/// <summary>
/// Reads a Katib <c>kubeflow.org/v1beta1</c> <c>Experiment</c> (or just its <c>spec</c>) as users have
/// it, and says everything that is wrong with it at once (by field path), not only the first thing.
/// </summary>
public static class KatibParser
{
    /// <summary>The largest document accepted (characters); Katib's own are a few kilobytes.</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>Trials a study runs when the spec sets no <c>maxTrialCount</c> (Katib has no bound; a run here needs one).</summary>
    public const int DefaultMaxTrialCount = 100;

    /// <summary>The algorithm names accepted, with the algorithm that runs each (see README).</summary>
    public static IReadOnlyDictionary<string, string> Algorithms { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["random"] = "random",
        ["grid"] = "grid",
        ["bayesianoptimization"] = "bayesianoptimization",
        ["tpe"] = "tpe",
        ["multivariate-tpe"] = "tpe",
        ["hyperband"] = "hyperband",
        ["sobol"] = "sobol",
        ["cmaes"] = "tpe",
    };

    public static StudySpec Parse(string yaml)
    {
        if (yaml.Length > MaxLength)
        {
            throw new StudySpecException($"The study specification is {yaml.Length} characters; at most {MaxLength} are accepted.",
                new Dictionary<string, string[]> { ["tuning"] = [$"at most {MaxLength} characters."] });
        }

        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw Malformed("the document is not a YAML mapping (a Katib Experiment or its spec).");
        }
        catch (YamlException e)
        {
            throw Malformed($"line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }

        var reader = new Reader();
        var spec = Child(root, "spec") is YamlMappingNode inner ? inner : root;
        var prefix = ReferenceEquals(spec, root) ? "" : "spec.";
        if (Text(root, "kind") is { } kind && kind != "Experiment")
        {
            reader.Error("kind", $"is '{kind}'; a study is a Katib Experiment.");
        }

        var result = reader.Read(spec, prefix);
        return reader.Errors.Count == 0 && result is not null
            ? result
            : throw new StudySpecException(
                "The study specification is invalid: " + string.Join("; ", reader.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
                reader.Errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    private static StudySpecException Malformed(string detail) =>
        new($"The study specification is not readable YAML: {detail}", new Dictionary<string, string[]> { ["tuning"] = [detail] }, malformed: true);

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(YamlNode? node, string key) => Child(node, key) is YamlScalarNode { Value: { } value } ? value : null;

    private static IEnumerable<YamlNode> Items(YamlNode? node) => node is YamlSequenceNode sequence ? sequence.Children : [];

    private sealed class Reader
    {
        public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

        public void Error(string field, string message)
        {
            if (!Errors.TryGetValue(field, out var list))
            {
                Errors[field] = list = [];
            }

            list.Add(message);
        }

        public StudySpec? Read(YamlNode spec, string p)
        {
            var objective = ReadObjective(Child(spec, "objective"), p + "objective");
            var algorithm = ReadAlgorithm(Child(spec, "algorithm"), p + "algorithm", Algorithms, required: true);
            var parameters = ReadParameters(Child(spec, "parameters"), p + "parameters");
            var parallel = Count(spec, "parallelTrialCount", p, 3);
            var maxTrials = Count(spec, "maxTrialCount", p, DefaultMaxTrialCount);
            var maxFailed = Count(spec, "maxFailedTrialCount", p, maxTrials);
            var early = Child(spec, "earlyStopping") is { } stopping
                ? ReadAlgorithm(stopping, p + "earlyStopping", new Dictionary<string, string> { ["medianstop"] = "medianstop" }, required: true)
                : null;
            var collector = ReadCollector(Child(spec, "metricsCollectorSpec"), p + "metricsCollectorSpec");
            var (trialParameters, command, image) = ReadTemplate(Child(spec, "trialTemplate"), p + "trialTemplate", parameters);
            int? seed = null;
            if (algorithm is not null)
            {
                seed = CheckSettings(algorithm, parameters, p + "algorithm.algorithmSettings");
            }

            if (early is not null)
            {
                PositiveSetting(early, "min_trials_required", p + "earlyStopping.algorithmSettings");
                PositiveSetting(early, "start_step", p + "earlyStopping.algorithmSettings");
            }

            return objective is null || algorithm is null || Errors.Count > 0
                ? null
                : new StudySpec(objective, algorithm, parallel, maxTrials, maxFailed, parameters, early, collector, trialParameters, command, image, seed);
        }

        private ObjectiveSpec? ReadObjective(YamlNode? node, string path)
        {
            if (node is not YamlMappingNode)
            {
                Error(path, "is required: {type: minimize|maximize, objectiveMetricName, goal?}.");
                return null;
            }

            var type = Text(node, "type") switch
            {
                "minimize" => ObjectiveType.Minimize,
                "maximize" => ObjectiveType.Maximize,
                var other => Fail<ObjectiveType>(path + ".type", other is null ? "is required: minimize or maximize." : $"is '{other}'; minimize or maximize."),
            };
            var metric = Text(node, "objectiveMetricName");
            if (string.IsNullOrWhiteSpace(metric))
            {
                Error(path + ".objectiveMetricName", "is required: the metric the study optimizes.");
            }

            double? goal = Text(node, "goal") is { } g ? Number(g, path + ".goal") : null;
            var additional = Items(Child(node, "additionalMetricNames")).OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
            var strategies = new Dictionary<string, MetricStrategy>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in Items(Child(node, "metricStrategies")))
            {
                var name = Text(item, "name");
                var value = Text(item, "value");
                var strategy = value switch { "min" => MetricStrategy.Min, "max" => MetricStrategy.Max, "latest" => MetricStrategy.Latest, _ => (MetricStrategy?)null };
                if (string.IsNullOrEmpty(name) || strategy is null)
                {
                    Error($"{path}.metricStrategies[{index}]", "needs a name and a value of min, max or latest.");
                }
                else
                {
                    strategies[name] = strategy.Value;
                }

                index++;
            }

            return string.IsNullOrWhiteSpace(metric) ? null : new ObjectiveSpec(type, metric, goal, additional, strategies);
        }

        private AlgorithmSpec? ReadAlgorithm(YamlNode? node, string path, IReadOnlyDictionary<string, string> known, bool required)
        {
            var name = Text(node, "algorithmName");
            if (string.IsNullOrWhiteSpace(name))
            {
                if (required)
                {
                    Error(path + ".algorithmName", $"is required: one of {string.Join(", ", known.Keys)}.");
                }

                return null;
            }

            if (!known.TryGetValue(name, out var runsAs))
            {
                Error(path + ".algorithmName", $"'{name}' is not a known algorithm; one of {string.Join(", ", known.Keys)}.");
                return null;
            }

            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in Items(Child(node, "algorithmSettings")))
            {
                if (Text(item, "name") is { Length: > 0 } key)
                {
                    settings[key] = Text(item, "value") ?? "";
                }
                else
                {
                    Error($"{path}.algorithmSettings[{index}].name", "is required.");
                }

                index++;
            }

            return new AlgorithmSpec(name, runsAs, settings);
        }

        private List<ParameterSpec> ReadParameters(YamlNode? node, string path)
        {
            var parameters = new List<ParameterSpec>();
            if (node is not YamlSequenceNode { Children.Count: > 0 } sequence)
            {
                Error(path, "is required: at least one parameter to search.");
                return parameters;
            }

            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var item = sequence.Children[i];
                var at = $"{path}[{i}]";
                var name = Text(item, "name");
                if (string.IsNullOrWhiteSpace(name))
                {
                    Error(at + ".name", "is required.");
                    continue;
                }

                if (parameters.Any(x => x.Name == name))
                {
                    Error(at + ".name", $"'{name}' is given twice.");
                    continue;
                }

                var space = Child(item, "feasibleSpace");
                var typeText = Text(item, "parameterType");
                ParameterType? type = typeText switch
                {
                    "double" => ParameterType.Double,
                    "int" => ParameterType.Int,
                    "categorical" => ParameterType.Categorical,
                    "discrete" => ParameterType.Discrete,
                    _ => null,
                };
                if (type is null)
                {
                    Error(at + ".parameterType", typeText is null ? "is required: double, int, categorical or discrete." : $"is '{typeText}'; double, int, categorical or discrete.");
                    continue;
                }

                if (space is not YamlMappingNode)
                {
                    Error(at + ".feasibleSpace", "is required.");
                    continue;
                }

                if (type is ParameterType.Categorical or ParameterType.Discrete)
                {
                    var list = Items(Child(space, "list")).OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
                    if (list.Count == 0)
                    {
                        Error(at + ".feasibleSpace.list", $"is empty: a {typeText} parameter needs at least one value.");
                    }
                    else if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
                    {
                        Error(at + ".feasibleSpace.list", "holds a value twice.");
                    }
                    else if (type == ParameterType.Discrete && list.Any(v => !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                    {
                        Error(at + ".feasibleSpace.list", "a discrete parameter's values are numbers.");
                    }
                    else
                    {
                        parameters.Add(new ParameterSpec(name, type.Value, 0, list.Count - 1, null, list));
                    }

                    continue;
                }

                var min = Text(space, "min") is { } a ? Number(a, at + ".feasibleSpace.min") : Fail<double?>(at + ".feasibleSpace.min", "is required.");
                var max = Text(space, "max") is { } b ? Number(b, at + ".feasibleSpace.max") : Fail<double?>(at + ".feasibleSpace.max", "is required.");
                var step = Text(space, "step") is { } c ? Number(c, at + ".feasibleSpace.step") : null;
                if (min is null || max is null)
                {
                    continue;
                }

                if (min > max)
                {
                    Error(at + ".feasibleSpace", $"min ({min}) is greater than max ({max}).");
                    continue;
                }

                if (step is <= 0)
                {
                    Error(at + ".feasibleSpace.step", "must be greater than 0.");
                    continue;
                }

                if (type == ParameterType.Int && (min % 1 != 0 || max % 1 != 0 || step % 1 is not (0 or null)))
                {
                    Error(at + ".feasibleSpace", "an int parameter's min, max and step are whole numbers.");
                    continue;
                }

                parameters.Add(new ParameterSpec(name, type.Value, min.Value, max.Value, step, []));
            }

            return parameters;
        }

        private MetricsCollectorSpec ReadCollector(YamlNode? node, string path)
        {
            if (node is null)
            {
                return MetricsCollectorSpec.Default;
            }

            var kind = Text(Child(node, "collector"), "kind") ?? "StdOut";
            if (kind is not ("StdOut" or "File"))
            {
                Error(path + ".collector.kind", $"'{kind}' is not supported here; StdOut or File.");
            }

            var source = Child(node, "source");
            var formats = Items(Child(Child(source, "filter"), "metricsFormat")).OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
            for (var i = 0; i < formats.Count; i++)
            {
                try
                {
                    var groups = new System.Text.RegularExpressions.Regex(formats[i]).GetGroupNumbers().Length - 1;
                    if (groups < 2)
                    {
                        Error($"{path}.source.filter.metricsFormat[{i}]", "needs two groups: the metric's name and its value.");
                    }
                }
                catch (ArgumentException e)
                {
                    Error($"{path}.source.filter.metricsFormat[{i}]", $"is not a regular expression: {e.Message}");
                }
            }

            return new MetricsCollectorSpec(kind, Text(Child(source, "fileSystemPath"), "path"), formats.Count > 0 ? formats : [MetricsCollectorSpec.DefaultFormat]);
        }

        private (List<TrialParameterSpec>, IReadOnlyList<string>?, string?) ReadTemplate(YamlNode? node, string path, List<ParameterSpec> parameters)
        {
            var trialParameters = new List<TrialParameterSpec>();
            var index = 0;
            foreach (var item in Items(Child(node, "trialParameters")))
            {
                var name = Text(item, "name");
                var reference = Text(item, "reference");
                if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(reference))
                {
                    Error($"{path}.trialParameters[{index}]", "needs a name and a reference.");
                }
                else if (parameters.Count > 0 && parameters.All(x => x.Name != reference))
                {
                    Error($"{path}.trialParameters[{index}].reference", $"'{reference}' is not one of the parameters.");
                }
                else
                {
                    trialParameters.Add(new TrialParameterSpec(name, reference));
                }

                index++;
            }

            // The Job's primary container: its command and image serve when the run gives none.
            var containers = Items(Child(Child(Child(Child(Child(node, "trialSpec"), "spec"), "template"), "spec"), "containers")).ToList();
            var primaryName = Text(node, "primaryContainerName");
            var primary = containers.FirstOrDefault(c => primaryName is not null && Text(c, "name") == primaryName) ?? containers.FirstOrDefault();
            if (primary is null)
            {
                return (trialParameters, null, null);
            }

            var command = Items(Child(primary, "command")).Concat(Items(Child(primary, "args"))).OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
            return (trialParameters, command.Count > 0 ? command : null, Text(primary, "image"));
        }

        private int? CheckSettings(AlgorithmSpec algorithm, List<ParameterSpec> parameters, string path)
        {
            int? seed = null;
            if (algorithm.Settings.TryGetValue("random_state", out var state))
            {
                if (int.TryParse(state, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    seed = value;
                }
                else
                {
                    Error(path, $"random_state '{state}' is not a whole number.");
                }
            }

            if (algorithm.RunsAs == "grid")
            {
                foreach (var parameter in parameters.Where(x => x.Count is null))
                {
                    Error(path, $"grid needs feasibleSpace.step for double parameter '{parameter.Name}'.");
                }
            }

            if (algorithm.RunsAs == "hyperband")
            {
                var resource = algorithm.Settings.GetValueOrDefault("resource_name");
                if (resource is null || parameters.All(x => x.Name != resource || x.Type is not (ParameterType.Int or ParameterType.Double)))
                {
                    Error(path, "hyperband needs resource_name: the name of an int or double parameter (the budget, e.g. epochs).");
                }

                if (!double.TryParse(algorithm.Settings.GetValueOrDefault("eta", "3"), NumberStyles.Float, CultureInfo.InvariantCulture, out var eta) || eta <= 1)
                {
                    Error(path, "hyperband's eta must be a number greater than 1.");
                }

                if (!double.TryParse(algorithm.Settings.GetValueOrDefault("r_l", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var rl) || rl <= 0)
                {
                    Error(path, "hyperband needs r_l: the largest budget, a number greater than 0.");
                }
            }

            return seed;
        }

        private void PositiveSetting(AlgorithmSpec algorithm, string name, string path)
        {
            if (algorithm.Settings.TryGetValue(name, out var text) && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1))
            {
                Error(path, $"{name} '{text}' must be a whole number of at least 1.");
            }
        }

        private int Count(YamlNode spec, string key, string prefix, int fallback)
        {
            if (Text(spec, key) is not { } text)
            {
                return fallback;
            }

            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                Error(prefix + key, $"'{text}' must be a whole number of at least 1.");
                return fallback;
            }

            return value;
        }

        private double? Number(string text, string field)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return value;
            }

            Error(field, $"'{text}' is not a number.");
            return null;
        }

        private T Fail<T>(string field, string message)
        {
            Error(field, message);
            return default!;
        }
    }
}
