using System.Text.Json;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Executors;

namespace DKube.Grains.Workloads;

/// <summary>
/// Feeds a run its data and keeps what it makes: inputs (exact versions) appear read-only at
/// their mount paths, the code is checked out at its commit, and on success the output folder
/// becomes the next version of the output repository, with the run's lineage.
/// </summary>
public sealed class RunDataFlow(IDataVersions versions, ICodeResolver code, RunFolders folders, IGrainFactory grains)
{
    public const string CodeMount = "code";
    public const string OutputMount = "output";
    public const string FeatureSpecMount = "featureset-spec.yaml";

    /// <summary>
    /// The mounts and environment of one execution; runs off the grain's turn (it copies data).
    /// <paramref name="stagingRoot"/> is where the executor's work can see staged files
    /// (<see cref="IExecutor.StagingRoot"/>); null stages in this silo's run folders.
    /// </summary>
    public async Task<ExecutionSpec> PrepareAsync(WorkloadView view, ExecutionSpec spec, CancellationToken cancellationToken, string? stagingRoot = null)
    {
        var staged = FoldersOf(stagingRoot);
        // A remote executor's work runs as another user (slurmrestd's, the image's): what is staged
        // for it gets modes it can pass through and read (and write where it must), whatever the
        // umask. This silo's own run folders keep the private layout the local executor opens per run.
        var remote = stagingRoot is not null;
        var mounts = new List<VolumeMount>(spec.Mounts);
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal);
        foreach (var input in view.Spec.Inputs)
        {
            if (input.Kind == Abstractions.Pipelines.PipelineTasks.ArtifactInputKind)
            {
                // An upstream pipeline task's artifact, linked from its execution's output folder (same
                // owner, same executor's staging): nothing to copy.
                mounts.Add(new VolumeMount(ArtifactSource(staged, input.Name), input.MountPath, ReadOnly: true));
                continue;
            }

            var used = view.InputVersions?.FirstOrDefault(v => v.RepoId == input.RepoId);
            var target = staged.Input(spec.Id, input.MountPath);
            if (remote)
            {
                RemoteFolders.MakeTraversable(staged.Root, Path.GetDirectoryName(target)!);
            }

            if (!Directory.Exists(target))
            {
                await versions.MaterializeAsync(RepoKindOf(input.Kind), input.RepoId!, used?.Version ?? input.Version, target, cancellationToken);
            }

            if (remote)
            {
                RemoteFolders.MakeReadable(target);
            }

            mounts.Add(new VolumeMount(target, input.MountPath, ReadOnly: true));
            if (input.Variable is { } variable)
            {
                environment[variable] = target;
            }
        }

        if (view.Spec.Code is { RepoId: { } repoId } codeRef)
        {
            var target = staged.Code(spec.Id);
            if (remote)
            {
                RemoteFolders.MakeTraversable(staged.Root, staged.Of(spec.Id));
            }

            if (!Directory.Exists(target))
            {
                // An IDE always works on the latest commit; a run on the one fixed at submission.
                var commit = view.Type == WorkloadType.Ide ? await code.ResolveCommitAsync(repoId, null, cancellationToken) : codeRef.Commit!;
                await code.CheckoutAsync(repoId, commit, target, cancellationToken);
            }

            if (remote)
            {
                RemoteFolders.MakeReadable(target);
                RemoteFolders.MakeWritable(staged.Root, target);
            }

            mounts.Add(new VolumeMount(target, CodeMount, ReadOnly: false));
            environment["DKUBE_CODE_DIR"] = target;
        }

        if (view.Spec.Output is not null)
        {
            var output = staged.Output(spec.Id);
            if (remote)
            {
                RemoteFolders.MakeWritable(staged.Root, output);
            }
            else
            {
                Directory.CreateDirectory(output);
            }

            mounts.Add(new VolumeMount(output, OutputMount, ReadOnly: false));
            environment["DKUBE_OUTPUT_DIR"] = output;
            if (await FeatureSpecAsync(view, staged.Of(spec.Id)) is { } specFile)
            {
                if (remote)
                {
                    RemoteFolders.MakeFileReadable(specFile);
                }

                mounts.Add(new VolumeMount(specFile, FeatureSpecMount, ReadOnly: true));
                environment["DKUBE_FEATURESET_SPEC"] = specFile;
            }
        }

        return spec with { Mounts = mounts, Environment = environment };
    }

    /// <summary>Where an artifact input (<c>{execution}/{file}</c>, set by a pipeline run only) lives: never outside that execution's output folder.</summary>
    private static string ArtifactSource(RunFolders staged, string reference)
    {
        if (!Abstractions.Pipelines.PipelineTasks.IsArtifactReference(reference))
        {
            throw new InvalidOperationException($"'{reference}' is not an artifact of a pipeline task.");
        }

        var parts = reference.Split('/');
        return Path.Combine(staged.Output(parts[0]), parts[1]);
    }

    /// <summary>A run that makes a featureset gets its specification (name, description, schema of each feature) as YAML.</summary>
    private async Task<string?> FeatureSpecAsync(WorkloadView view, string executionFolder)
    {
        if (view.Spec.Output is not { Kind: RepoKinds.FeatureSet, RepoId: { } repoId }
            || await grains.GetGrain<IDataRepoGrain>(repoId).Get() is not { Features: { Count: > 0 } features })
        {
            return null;
        }

        static string Quote(string? text) => JsonSerializer.Serialize(text ?? "");
        var yaml = string.Concat(features.Select(f =>
            $"- name: {Quote(f.Name)}\n  description: {Quote(f.Description)}\n  schema: {Quote(f.Schema)}\n"));
        var file = Path.Combine(executionFolder, FeatureSpecMount);
        await File.WriteAllTextAsync(file, yaml);
        return file;
    }

    /// <summary>Records that the run used its input versions (runs without an output too).</summary>
    public async Task RecordUsageAsync(WorkloadView view, CancellationToken cancellationToken)
    {
        foreach (var used in view.InputVersions ?? [])
        {
            await versions.RecordUsageAsync(used.Kind, used.RepoId, used.Version, view.Id, cancellationToken);
        }
    }

    /// <summary>
    /// Makes the next version of the run's output repository from its output folder (once per
    /// execution id, however often it is asked); null when it has no output.
    /// </summary>
    public async Task<int?> CommitOutputAsync(WorkloadView view, string executionId, IReadOnlyList<string> metricRecords, CancellationToken cancellationToken, string? stagingRoot = null)
    {
        if (view.Spec.Output is not { RepoId: { } repoId } output)
        {
            return null;
        }

        var spec = view.Spec;
        var lineage = new Lineage(view.Id, view.Owner, spec.Code?.RepoId, spec.Code?.Commit, spec.Image, spec.Command,
            spec.Hyperparameters, view.InputVersions ?? [], LastMetrics(metricRecords),
            view.Parent is { } parent ? new LineageTrigger(parent.Kind, parent.Id, parent.Cause) : null);
        var version = await versions.CommitOutputAsync(RepoKindOf(output.Kind), repoId, FoldersOf(stagingRoot).Output(executionId), lineage, executionId, cancellationToken);
        return version.Version;
    }

    /// <summary>
    /// Makes a version of <paramref name="repoId"/> from output <paramref name="file"/> of an execution
    /// (a pipeline task's artifact): a folder as it is, a file as the version's one file
    /// <paramref name="entry"/>; once per <paramref name="key"/>. Null when there is no such file or
    /// folder, or it is a link (the run wrote it: it could point at the server's secrets).
    /// </summary>
    public async Task<KeptArtifact?> CommitArtifactAsync(string executionId, string file, string entry, RepoKind kind, string repoId, Lineage lineage, string key, string? stagingRoot, CancellationToken cancellationToken)
    {
        if (Path.GetFileName(file) != file || file is "." or "..")
        {
            throw new ArgumentException($"'{file}' is not a file name.", nameof(file));
        }

        var path = Path.Combine(FoldersOf(stagingRoot).Output(executionId), file);
        FileSystemInfo found = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!found.Exists || found.LinkTarget is not null)
        {
            return null;
        }

        var version = found is DirectoryInfo
            ? await versions.CommitOutputAsync(kind, repoId, path, lineage, key, cancellationToken)
            : await versions.CommitFileAsync(kind, repoId, path, entry, lineage, key, cancellationToken);
        return new KeptArtifact(new VersionId(kind, repoId, version.Version), found is DirectoryInfo ? null : entry);
    }

    /// <summary>The numeric values of the run's last metric record (what a model comparison shows).</summary>
    private static Dictionary<string, double>? LastMetrics(IReadOnlyList<string> records)
    {
        for (var i = records.Count - 1; i >= 0; i--)
        {
            try
            {
                using var document = JsonDocument.Parse(records[i]);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return document.RootElement.EnumerateObject()
                        .Where(p => p.Value.ValueKind == JsonValueKind.Number)
                        .ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
                }
            }
            catch (JsonException)
            {
                // A malformed record says nothing; look at the one before it.
            }
        }

        return null;
    }

    /// <summary>The folders of an executor that stages elsewhere than this silo's run folders (same layout).</summary>
    /// <summary>Where a run is staged: the executor's own staging root (a Slurm sharedPath, a Kubernetes stagingPath), else this silo's.</summary>
    public RunFolders FoldersOf(string? stagingRoot) => stagingRoot is null ? folders : new RunFolders(stagingRoot);

    /// <summary>The repository kind of a validated spec's input or output (the API refused any other).</summary>
    public static RepoKind RepoKindOf(string kind) =>
        RepoKinds.ParseData(kind) ?? throw new InvalidOperationException($"'{kind}' is not a data repository kind.");
}
