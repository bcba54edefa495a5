namespace DKube.Executors.Slurm;

/// <summary>
/// One job's folder under the cluster's shared folder (<see cref="SlurmOptions.SharedPath"/>), which
/// this silo and the Slurm nodes see at the same path. The silo stages inputs, code and the output
/// folder in <c>{shared}/{id}/</c> (the layout of the grains' RunFolders); the job works in
/// <c>{shared}/{id}/work</c>, where each of them appears at its mount path, as for a local run.
/// </summary>
internal sealed class SlurmRunFolder(string sharedPath, string id)
{
    public const string MetricsFileName = "metrics.jsonl";
    public const string TensorBoardFolderName = "tensorboard";
    public const string HyperparametersFileName = "hyperparameters.json";
    public const string HyperparametersOption = "hyperparameters.json";

    public string Root { get; } = Path.Combine(Path.GetFullPath(sharedPath), id);

    public string WorkDir => Path.Combine(Root, "work");

    public string MetricsFile => Path.Combine(WorkDir, MetricsFileName);

    public string TensorBoardDir => Path.Combine(WorkDir, TensorBoardFolderName);

    public string HyperparametersFile => Path.Combine(WorkDir, HyperparametersFileName);

    /// <summary>The variables that point the job at its folder (set over the caller's).</summary>
    public void Describe(IDictionary<string, string> environment, ExecutionSpec spec)
    {
        environment["DKUBE_WORK_DIR"] = WorkDir;
        environment["DKUBE_METRICS_FILE"] = MetricsFile;
        environment["DKUBE_TENSORBOARD_DIR"] = TensorBoardDir;
        if (spec.BackendOptions.ContainsKey(HyperparametersOption))
        {
            environment["DKUBE_HYPERPARAMETERS_FILE"] = HyperparametersFile;
        }
    }

    /// <summary>Makes the working folder with the mounts linked in; idempotent, so a retried submit redoes it harmlessly.</summary>
    public async Task PrepareAsync(ExecutionSpec spec, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Staging for Slurm sets POSIX file modes.");
        }

        // The job runs as the slurmrestd user, not as this silo's: it must pass through the run's
        // folder, and what it must write is opened to it, with modes set whatever the umask.
        RemoteFolders.MakeTraversable(sharedPath, Root);
        RemoteFolders.MakeWritable(Root, WorkDir);
        WorkFolders.OpenFolder(TensorBoardDir);
        await WorkFolders.OpenMetricsFileAsync(MetricsFile, cancellationToken);
        if (spec.BackendOptions.TryGetValue(HyperparametersOption, out var hyperparameters))
        {
            await File.WriteAllTextAsync(HyperparametersFile, hyperparameters, cancellationToken);
            RemoteFolders.MakeFileReadable(HyperparametersFile);
        }

        foreach (var mount in spec.Mounts)
        {
            // The folders a nested mount path needs inside the working folder are the job's, as the folder is.
            var linkFolder = Path.GetDirectoryName(Path.Combine(WorkDir, mount.MountPath.TrimStart('/')))!;
            if (!string.Equals(Path.GetFullPath(linkFolder), Path.GetFullPath(WorkDir), StringComparison.Ordinal))
            {
                RemoteFolders.MakeAllWritable(WorkDir, linkFolder);
            }

            WorkFolders.Link(WorkDir, mount);
            if (!mount.ReadOnly && Directory.Exists(mount.Source))
            {
                WorkFolders.OpenFolder(mount.Source);
            }
        }
    }

    /// <summary>
    /// Mounts must be staged under the shared folder (else the nodes cannot see them) and name a
    /// place inside the working folder.
    /// </summary>
    public static void Validate(ExecutionSpec spec, string? sharedPath)
    {
        if (spec.Mounts.Count == 0)
        {
            return;
        }

        if (sharedPath is null)
        {
            throw new ArgumentException(
                $"Work {spec.Id} has inputs, code or an output, but its Slurm cluster declares no sharedPath: the nodes could not see them.",
                nameof(spec));
        }

        var root = Path.GetFullPath(sharedPath).TrimEnd('/') + "/";
        foreach (var mount in spec.Mounts)
        {
            var segments = mount.MountPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length == 0 || segments.Any(s => s is "." or "..") || mount.MountPath.StartsWith('/'))
            {
                throw new ArgumentException($"Mount path '{mount.MountPath}' does not name a place inside the job's working folder.", nameof(spec));
            }

            if (!Path.GetFullPath(mount.Source).StartsWith(root, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Mount source '{mount.Source}' is not under the cluster's shared folder '{sharedPath}'.", nameof(spec));
            }
        }
    }
}
