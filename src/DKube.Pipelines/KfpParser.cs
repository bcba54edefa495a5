using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace DKube.Pipelines;

/// <summary>
/// Reads a compiled KFP v2 pipeline (a bare PipelineSpec, or one wrapped in <c>pipelineSpec:</c>;
/// later YAML documents such as <c>platforms</c> are ignored) and validates it. Every problem
/// found is reported at once, each with its path in the document.
/// </summary>
public static class KfpParser
{
    /// <summary>Parses and validates; throws <see cref="PipelineSpecException"/> listing what is wrong.</summary>
    public static PipelineSpec Parse(string yaml)
    {
        var problems = new List<PipelineProblem>();
        var spec = Read(yaml, problems);
        if (spec is not null)
        {
            problems.AddRange(PipelineValidator.Validate(spec));
        }

        return problems.Count == 0 && spec is not null ? spec : throw new PipelineSpecException(problems);
    }

    private static PipelineSpec? Read(string yaml, List<PipelineProblem> problems)
    {
        IReadOnlyList<JsonNode?> documents;
        try
        {
            documents = YamlJson.ParseDocuments(yaml);
        }
        catch (YamlException e)
        {
            problems.Add(new PipelineProblem("$", $"not YAML: {e.Message} (line {e.Start.Line}, column {e.Start.Column})"));
            return null;
        }

        if (documents.Count == 0 || documents[0] is not JsonObject document)
        {
            problems.Add(new PipelineProblem("$", "the document is not a mapping (expected a compiled KFP v2 PipelineSpec)"));
            return null;
        }

        if (document["pipelineSpec"] is JsonObject wrapped)
        {
            document = wrapped;
        }

        var info = document["pipelineInfo"] as JsonObject;
        var name = Text(info?["name"]);
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add(new PipelineProblem("pipelineInfo.name", "is required"));
        }

        if (document["root"] is not JsonObject rootNode)
        {
            problems.Add(new PipelineProblem("root", "is required (the pipeline's DAG)"));
            return null;
        }

        var components = new Dictionary<string, ComponentSpec>(StringComparer.Ordinal);
        if (document["components"] is JsonObject componentNodes)
        {
            foreach (var (key, node) in componentNodes)
            {
                if (node is JsonObject component)
                {
                    components[key] = ReadComponent(key, component, $"components.{key}", problems);
                }
                else
                {
                    problems.Add(new PipelineProblem($"components.{key}", "is not a mapping"));
                }
            }
        }

        var executors = new Dictionary<string, ExecutorSpec>(StringComparer.Ordinal);
        if (document["deploymentSpec"]?["executors"] is JsonObject executorNodes)
        {
            foreach (var (label, node) in executorNodes)
            {
                executors[label] = ReadExecutor(label, node as JsonObject, $"deploymentSpec.executors.{label}", problems);
            }
        }

        var root = ReadComponent("root", rootNode, "root", problems);
        if (root.Dag is null)
        {
            problems.Add(new PipelineProblem("root.dag", "is required (the pipeline's tasks)"));
        }

        return new PipelineSpec(
            name ?? string.Empty,
            Text(info?["displayName"]),
            Text(info?["description"]),
            Text(document["schemaVersion"]),
            Text(document["sdkVersion"]),
            components,
            executors,
            root);
    }

    private static ComponentSpec ReadComponent(string name, JsonObject node, string path, List<PipelineProblem> problems)
    {
        var inputs = node["inputDefinitions"] as JsonObject;
        var outputs = node["outputDefinitions"] as JsonObject;
        DagSpec? dag = null;
        if (node["dag"] is JsonObject dagNode)
        {
            dag = ReadDag(dagNode, $"{path}.dag", problems);
        }

        var executorLabel = Text(node["executorLabel"]);
        if (dag is null && executorLabel is null && name != "root")
        {
            problems.Add(new PipelineProblem(path, "has neither an executorLabel nor a dag"));
        }

        return new ComponentSpec(
            name,
            ReadParameters(inputs?["parameters"]),
            ReadArtifacts(inputs?["artifacts"]),
            ReadParameters(outputs?["parameters"]),
            ReadArtifacts(outputs?["artifacts"]),
            executorLabel,
            dag);
    }

    private static Dictionary<string, ParameterDefinition> ReadParameters(JsonNode? node)
    {
        var result = new Dictionary<string, ParameterDefinition>(StringComparer.Ordinal);
        if (node is JsonObject parameters)
        {
            foreach (var (key, value) in parameters)
            {
                result[key] = new ParameterDefinition(
                    Text(value?["parameterType"]) ?? "STRING",
                    value?["defaultValue"]?.DeepClone(),
                    Flag(value?["isOptional"]));
            }
        }

        return result;
    }

    private static Dictionary<string, ArtifactDefinition> ReadArtifacts(JsonNode? node)
    {
        var result = new Dictionary<string, ArtifactDefinition>(StringComparer.Ordinal);
        if (node is JsonObject artifacts)
        {
            foreach (var (key, value) in artifacts)
            {
                result[key] = new ArtifactDefinition(
                    Text(value?["artifactType"]?["schemaTitle"]) ?? "system.Artifact",
                    Flag(value?["isOptional"]));
            }
        }

        return result;
    }

    private static DagSpec ReadDag(JsonObject node, string path, List<PipelineProblem> problems)
    {
        var tasks = new Dictionary<string, TaskSpec>(StringComparer.Ordinal);
        if (node["tasks"] is JsonObject taskNodes)
        {
            foreach (var (key, value) in taskNodes)
            {
                if (value is JsonObject task)
                {
                    tasks[key] = ReadTask(key, task, $"{path}.tasks.{key}", problems);
                }
                else
                {
                    problems.Add(new PipelineProblem($"{path}.tasks.{key}", "is not a mapping"));
                }
            }
        }

        var outputs = node["outputs"] as JsonObject;
        return new DagSpec(
            tasks,
            ReadDagOutputs(outputs?["parameters"], "valueFromParameter", "outputParameterKey"),
            ReadDagOutputs(outputs?["artifacts"], "artifactSelectors", "outputArtifactKey"));
    }

    private static Dictionary<string, DagOutput> ReadDagOutputs(JsonNode? node, string selectorName, string keyName)
    {
        var result = new Dictionary<string, DagOutput>(StringComparer.Ordinal);
        if (node is not JsonObject outputs)
        {
            return result;
        }

        foreach (var (key, value) in outputs)
        {
            // Parameters name one producer; artifacts carry a list of selectors, of which the
            // first is the one a non-loop DAG exposes.
            var selector = value?[selectorName] switch
            {
                JsonArray list => list.FirstOrDefault(),
                var single => single,
            };
            if (Text(selector?["producerSubtask"]) is { } producer && Text(selector?[keyName]) is { } outputKey)
            {
                result[key] = new DagOutput(producer, outputKey);
            }
        }

        return result;
    }

    private static TaskSpec ReadTask(string name, JsonObject node, string path, List<PipelineProblem> problems)
    {
        var componentRef = Text(node["componentRef"]?["name"]);
        if (componentRef is null)
        {
            problems.Add(new PipelineProblem($"{path}.componentRef.name", "is required"));
        }

        var dependent = node["dependentTasks"] is JsonArray list
            ? list.Select(Text).OfType<string>().ToList()
            : [];

        var parameters = new Dictionary<string, ParameterSource>(StringComparer.Ordinal);
        if (node["inputs"]?["parameters"] is JsonObject parameterNodes)
        {
            foreach (var (key, value) in parameterNodes)
            {
                if (ReadParameterSource(value as JsonObject) is { } source)
                {
                    parameters[key] = source;
                }
                else
                {
                    problems.Add(new PipelineProblem($"{path}.inputs.parameters.{key}", "has no known source (componentInputParameter, taskOutputParameter, runtimeValue or taskFinalStatus)"));
                }
            }
        }

        var artifacts = new Dictionary<string, ArtifactSource>(StringComparer.Ordinal);
        if (node["inputs"]?["artifacts"] is JsonObject artifactNodes)
        {
            foreach (var (key, value) in artifactNodes)
            {
                if (value?["taskOutputArtifact"] is JsonObject fromTask
                    && Text(fromTask["producerTask"]) is { } producer
                    && Text(fromTask["outputArtifactKey"]) is { } outputKey)
                {
                    artifacts[key] = new ArtifactSource(producer, outputKey);
                }
                else if (Text(value?["componentInputArtifact"]) is { } input)
                {
                    artifacts[key] = new ArtifactSource(null, input);
                }
                else
                {
                    problems.Add(new PipelineProblem($"{path}.inputs.artifacts.{key}", "has no known source (taskOutputArtifact or componentInputArtifact)"));
                }
            }
        }

        LoopSpec? loop = null;
        if (node["parameterIterator"] is JsonObject iterator)
        {
            var itemInput = Text(iterator["itemInput"]);
            var items = iterator["items"] as JsonObject;
            var raw = items?["raw"];
            JsonNode? rawItems = null;
            if (raw is not null)
            {
                try
                {
                    rawItems = raw.GetValueKind() == System.Text.Json.JsonValueKind.String ? JsonNode.Parse(raw.GetValue<string>()) : raw.DeepClone();
                }
                catch (System.Text.Json.JsonException e)
                {
                    problems.Add(new PipelineProblem($"{path}.parameterIterator.items.raw", $"is not a JSON list: {e.Message}"));
                }
            }

            var inputParameter = Text(items?["inputParameter"]);
            if (itemInput is null || (inputParameter is null && raw is null))
            {
                problems.Add(new PipelineProblem($"{path}.parameterIterator", "needs itemInput and items (inputParameter or raw)"));
            }

            loop = new LoopSpec(itemInput ?? string.Empty, inputParameter, rawItems);
        }

        if (node["artifactIterator"] is not null)
        {
            problems.Add(new PipelineProblem($"{path}.artifactIterator", "is not supported (loops over artifacts do not run here)"));
        }

        var caching = node["cachingOptions"] as JsonObject;
        return new TaskSpec(
            name,
            Text(node["taskInfo"]?["name"]) ?? name,
            componentRef ?? string.Empty,
            dependent,
            parameters,
            artifacts,
            Flag(caching?["enableCache"]),
            Text(node["triggerPolicy"]?["condition"]),
            Text(node["triggerPolicy"]?["strategy"]) == "ALL_UPSTREAM_TASKS_COMPLETED",
            loop,
            int.TryParse(Text(node["retryPolicy"]?["maxRetryCount"]), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var retries) ? retries : 0);
    }

    private static ParameterSource? ReadParameterSource(JsonObject? node)
    {
        if (node is null)
        {
            return null;
        }

        var selector = Text(node["parameterExpressionSelector"]);
        if (Text(node["componentInputParameter"]) is { } input)
        {
            return new ParameterSource(ParameterSourceKind.ComponentInput, input, null, null, selector);
        }

        if (node["taskOutputParameter"] is JsonObject output
            && Text(output["producerTask"]) is { } producer
            && Text(output["outputParameterKey"]) is { } key)
        {
            return new ParameterSource(ParameterSourceKind.TaskOutput, key, producer, null, selector);
        }

        if (node["runtimeValue"] is JsonObject runtime)
        {
            // Protobuf JSON of older SDKs wraps constants as {constantValue: {stringValue: ...}}.
            var constant = runtime["constant"] ?? runtime["constantValue"]?.AsObject().FirstOrDefault().Value;
            return new ParameterSource(ParameterSourceKind.Constant, null, null, constant?.DeepClone(), selector);
        }

        if (node["taskFinalStatus"] is JsonObject status && Text(status["producerTask"]) is { } statusOf)
        {
            return new ParameterSource(ParameterSourceKind.TaskFinalStatus, null, statusOf, null, selector);
        }

        return null;
    }

    private static ExecutorSpec ReadExecutor(string label, JsonObject? node, string path, List<PipelineProblem> problems)
    {
        if (node?["container"] is JsonObject container)
        {
            var image = Text(container["image"]);
            if (string.IsNullOrWhiteSpace(image))
            {
                problems.Add(new PipelineProblem($"{path}.container.image", "is required"));
            }

            var command = Strings(container["command"]);
            var args = Strings(container["args"]);
            if (command.Count == 0 && args.Count == 0)
            {
                problems.Add(new PipelineProblem($"{path}.container", "has neither command nor args"));
            }

            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            if (container["env"] is JsonArray envList)
            {
                foreach (var entry in envList)
                {
                    if (Text(entry?["name"]) is { } envName)
                    {
                        env[envName] = Text(entry?["value"]) ?? string.Empty;
                    }
                }
            }

            return new ExecutorSpec(label, new ContainerSpec(image ?? string.Empty, command, args, env), null);
        }

        if (node?["importer"] is JsonObject importer)
        {
            var uri = importer["artifactUri"] as JsonObject;
            var constant = uri?["constant"]?.DeepClone();
            var runtimeParameter = Text(uri?["runtimeParameter"]);
            if (constant is null && runtimeParameter is null)
            {
                problems.Add(new PipelineProblem($"{path}.importer.artifactUri", "needs constant or runtimeParameter"));
            }

            return new ExecutorSpec(
                label,
                null,
                new ImporterSpec(constant, runtimeParameter, Text(importer["typeSchema"]?["schemaTitle"]) ?? "system.Artifact", Flag(importer["reimport"])));
        }

        problems.Add(new PipelineProblem(path, "is neither a container nor an importer executor"));
        return new ExecutorSpec(label, null, null);
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray list ? [.. list.Select(item => Text(item) ?? string.Empty)] : [];

    // Scalars keep the YAML text they were written with; a number in a command line stays as written.
    internal static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    private static bool Flag(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.True;
}
