using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>
/// What a task's executor is given: its input parameter values and artifacts, and where to write
/// its output parameters and artifacts. <see cref="ToJson"/> is KFP's ExecutorInput JSON, the
/// value of the <c>{{$}}</c> placeholder.
/// </summary>
public sealed record ExecutorInput(
    IReadOnlyDictionary<string, JsonNode?> Parameters,
    IReadOnlyDictionary<string, ArtifactLocation> InputArtifacts,
    IReadOnlyDictionary<string, string> OutputParameterFiles,
    IReadOnlyDictionary<string, ArtifactLocation> OutputArtifacts,
    string OutputFile)
{
    public string ToJson()
    {
        var parameterValues = new JsonObject();
        foreach (var (name, value) in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parameterValues[name] = value?.DeepClone();
        }

        var outputParameters = new JsonObject();
        foreach (var (name, file) in OutputParameterFiles.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            outputParameters[name] = new JsonObject { ["outputFile"] = file };
        }

        var json = new JsonObject
        {
            ["inputs"] = new JsonObject
            {
                ["parameterValues"] = parameterValues,
                ["artifacts"] = Artifacts(InputArtifacts),
            },
            ["outputs"] = new JsonObject
            {
                ["parameters"] = outputParameters,
                ["artifacts"] = Artifacts(OutputArtifacts),
                ["outputFile"] = OutputFile,
            },
        };
        return json.ToJsonString();
    }

    private static JsonObject Artifacts(IReadOnlyDictionary<string, ArtifactLocation> artifacts)
    {
        var result = new JsonObject();
        foreach (var (name, artifact) in artifacts.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            result[name] = new JsonObject
            {
                ["artifacts"] = new JsonArray(new JsonObject
                {
                    ["name"] = artifact.Name,
                    ["type"] = new JsonObject { ["schemaTitle"] = artifact.SchemaTitle },
                    ["uri"] = artifact.Uri,
                    ["metadata"] = new JsonObject(),
                }),
            };
        }

        return result;
    }
}
