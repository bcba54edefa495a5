using k8s.Models;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// How a run's staged files reach its pods: through the PersistentVolumeClaim the cluster
/// declares (<see cref="KubernetesOptions.VolumeClaim"/>), which this silo sees at
/// <see cref="KubernetesOptions.StagingPath"/>. The silo stages inputs, code and the output folder
/// in <c>{stagingPath}/{id}/</c>; each pod mounts the claim's sub-paths: <c>{id}/work</c> at
/// <c>{mountPath}/work</c> (its working folder, where the metrics file is written) and each
/// staged mount at its mount path inside it. A variable that names a staged folder (say
/// <c>DKUBE_OUTPUT_DIR</c>) is rewritten to where the pod sees it.
/// </summary>
internal sealed class KubernetesStaging(KubernetesOptions options)
{
    public const string VolumeName = "dkube-staging";
    public const string MetricsFileName = "metrics.jsonl";

    public bool Enabled => options.VolumeClaim is not null && options.StagingPath is not null;

    /// <summary>The pod's working folder.</summary>
    public string WorkDir => options.MountPath.TrimEnd('/') + "/work";

    /// <summary>Where the pod sees a mount: an absolute path as it is, a relative one inside the working folder.</summary>
    public string ContainerPath(VolumeMount mount) =>
        mount.MountPath.StartsWith('/') ? mount.MountPath : WorkDir + "/" + mount.MountPath.TrimEnd('/');

    /// <summary>The claim's sub-path of a staged source; null for a source outside the staging folder.</summary>
    public string? SubPath(string source)
    {
        if (!Enabled)
        {
            return null;
        }

        var relative = Path.GetRelativePath(Path.GetFullPath(options.StagingPath!), Path.GetFullPath(source));
        return relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative;
    }

    /// <summary>The work's metrics file as this silo sees it; null without staging.</summary>
    public string? MetricsFile(string id) => Enabled ? Path.Combine(SiloWorkDir(id), MetricsFileName) : null;

    /// <summary>The claim volume and the working folder's mount, with the variables that point at it.</summary>
    public (V1Volume Volume, V1VolumeMount Work) WorkMount(string id) => (
        new V1Volume
        {
            Name = VolumeName,
            PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = options.VolumeClaim },
        },
        new V1VolumeMount { Name = VolumeName, MountPath = WorkDir, SubPath = id + "/work" });

    public void Describe(IDictionary<string, string> environment)
    {
        environment["DKUBE_WORK_DIR"] = WorkDir;
        environment["DKUBE_METRICS_FILE"] = WorkDir + "/" + MetricsFileName;
    }

    /// <summary>
    /// Makes the working folder (and the mount points inside it) on the claim before the pod
    /// starts, open to the pod's user as are the folders it writes; idempotent.
    /// </summary>
    public async Task PrepareAsync(ExecutionSpec spec, CancellationToken cancellationToken)
    {
        if (!Enabled || OperatingSystem.IsWindows())
        {
            return;
        }

        // The pod runs as the image's user: what it must write is opened to any user.
        var work = SiloWorkDir(spec.Id);
        RemoteFolders.MakeWritable(Path.GetFullPath(options.StagingPath!), work);
        await WorkFolders.OpenMetricsFileAsync(Path.Combine(work, MetricsFileName), cancellationToken);
        foreach (var mount in spec.Mounts.Where(m => !m.ReadOnly && SubPath(m.Source) is not null && Directory.Exists(m.Source)))
        {
            WorkFolders.OpenFolder(mount.Source);
        }
    }

    private string SiloWorkDir(string id) => Path.Combine(Path.GetFullPath(options.StagingPath!), id, "work");
}
