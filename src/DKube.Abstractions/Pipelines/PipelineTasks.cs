using DKube.Abstractions.Common;

namespace DKube.Abstractions.Pipelines;

/// <summary>
/// How a pipeline task runs as a DKube run: its parent kind, its derived id, and where it writes
/// its outputs (files of its output folder, <c>DKUBE_OUTPUT_DIR</c>) and finds upstream artifacts.
/// </summary>
public static class PipelineTasks
{
    /// <summary>The <see cref="Workloads.WorkloadParent.Kind"/> and the run kind of a task.</summary>
    public const string ParentKind = "pipeline-run";

    public const string RunKind = "pipeline-task";

    /// <summary>
    /// An input of a task run (a <see cref="Workloads.VersionRef.Kind"/> only a pipeline run sets,
    /// never a request): an upstream artifact, named <c>{execution}/{file}</c>, linked read-only from
    /// that execution's output folder.
    /// </summary>
    public const string ArtifactInputKind = "pipeline-artifact";

    /// <summary>
    /// Where a task sees its input artifact <paramref name="name"/>, relative to its working folder: at
    /// its top, since a folder the server made for it in between would not be the run account's to pass.
    /// </summary>
    public static string InputMount(string name) => $"kfp-input.{name}";

    /// <summary>The file of the output folder that holds output parameter <paramref name="name"/>.</summary>
    public static string ParameterFile(string name) => $"parameter.{name}";

    /// <summary>The file (or folder) of the output folder that holds output artifact <paramref name="name"/>.</summary>
    public static string ArtifactFile(string name) => $"artifact.{name}";

    /// <summary>KFP's executor output file (<c>{{$.outputs.output_file}}</c>).</summary>
    public const string ExecutorOutputFile = "executor-output.json";

    /// <summary>The run of attempt <paramref name="attempt"/> of task <paramref name="path"/>: derived, so a create retried after a crash reaches the same run.</summary>
    public static string RunId(string pipelineRun, string path, int attempt) =>
        ResourceIds.Derive("r", $"pipeline-run/{pipelineRun}", $"{path}#{attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The deployment of attempt <paramref name="attempt"/> of serving task <paramref name="path"/>: derived like a task's run.</summary>
    public static string DeploymentId(string pipelineRun, string path, int attempt) =>
        ResourceIds.Derive("d", $"pipeline-run/{pipelineRun}", $"{path}#{attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>The repository kind an output artifact of KFP type <paramref name="schemaTitle"/> is kept in: datasets and models; null for the others.</summary>
    public static Repos.RepoKind? ArtifactRepoKind(string schemaTitle) => schemaTitle switch
    {
        "system.Dataset" => Repos.RepoKind.Dataset,
        "system.Model" => Repos.RepoKind.Model,
        _ => null,
    };

    /// <summary>
    /// The dataset or model that keeps output <paramref name="output"/> of task <paramref name="path"/>
    /// of pipeline <paramref name="pipeline"/> (its KFP name) for <paramref name="owner"/>: named
    /// <c>{pipeline}-{task}-{output}</c> (a DNS label; a ParallelFor's iterations share their task's
    /// repository), its id derived from the owner and that name, so every run of the pipeline adds
    /// versions to the same repository, and a retried creation reaches the same one.
    /// </summary>
    public static (string Id, string Name) ArtifactRepo(Repos.RepoKind kind, string owner, string pipeline, string path, string output)
    {
        var task = System.Text.RegularExpressions.Regex.Replace(path, @"\[\d+\]", "");
        var label = System.Text.RegularExpressions.Regex.Replace($"{pipeline}-{task}-{output}".ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        if (label.Length == 0)
        {
            label = "artifact";
        }

        if (label.Length > 63)
        {
            // Cut, and told apart from other cut names by a digest of the whole.
            var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label)).AsSpan(0, 4));
            label = $"{label[..54].TrimEnd('-')}-{digest}";
        }

        return (ResourceIds.Derive(Repos.RepoKinds.PrefixOf(kind), $"pipeline-artifacts/{owner}", label), label);
    }

    /// <summary>Whether <paramref name="name"/> is the <c>{execution}/{file}</c> of an artifact input (no way out of the output folder).</summary>
    public static bool IsArtifactReference(string name)
    {
        var parts = name.Split('/');
        return parts.Length == 2 && ResourceIds.IsWellFormed(parts[0]) && parts[1].StartsWith("artifact.", StringComparison.Ordinal)
            && parts[1].Length > "artifact.".Length && !parts[1].Contains('\\') && parts[1] is not ("." or "..");
    }
}
