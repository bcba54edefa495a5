using System.Globalization;
using k8s.Models;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// Turns a spec into the objects the API server is asked to create: a run becomes an Indexed
/// <c>batch/v1</c> Job with one pod per worker (index 0 is the master), a server (an IDE, a
/// deployment's model server) a Pod plus a ClusterIP Service. All carry the labels of <see cref="KubernetesLabels"/>.
/// </summary>
/// <remarks>
/// <see cref="ExecutionSpec.Placement"/> is not used: on Kubernetes the scheduler places pods and
/// the device plugin picks GPU indices; node constraints come from <see cref="ExecutionSpec.NodeAffinity"/>.
/// </remarks>
internal static class KubernetesManifests
{
    public const string GpuResource = "nvidia.com/gpu";
    public const string ContainerName = "main";

    /// <exception cref="ArgumentException">The spec cannot be expressed on Kubernetes (no image, a mount path with '..', a malformed node label).</exception>
    public static V1Job Job(ExecutionSpec spec, KubernetesOptions options)
    {
        Validate(spec);
        var labels = KubernetesLabels.For(spec);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = spec.Id, Labels = labels },
            Spec = new V1JobSpec
            {
                Parallelism = spec.WorkerCount,
                Completions = spec.WorkerCount,
                // Indexed: each worker gets JOB_COMPLETION_INDEX and a stable hostname; a run is
                // one attempt, so any failed pod fails the Job.
                CompletionMode = "Indexed",
                BackoffLimit = 0,
                ActiveDeadlineSeconds = DeadlineSeconds(spec.TimeLimit),
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = PodSpec(spec, options, ports: null),
                },
            },
        };
    }

    /// <exception cref="ArgumentException">As for <see cref="Job"/>, or a malformed <c>port</c> option.</exception>
    public static V1Pod ServerPod(ExecutionSpec spec, KubernetesOptions options)
    {
        Validate(spec);
        var port = ServerPort(spec, options);
        var podSpec = PodSpec(spec, options, [new V1ContainerPort { Name = "http", ContainerPort = port }]);
        podSpec.ActiveDeadlineSeconds = DeadlineSeconds(spec.TimeLimit);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = spec.Id, Labels = KubernetesLabels.For(spec) },
            Spec = podSpec,
        };
    }

    public static V1Service ServerService(ExecutionSpec spec, KubernetesOptions options)
    {
        var port = ServerPort(spec, options);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = spec.Id, Labels = KubernetesLabels.For(spec) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = new Dictionary<string, string> { [KubernetesLabels.Run] = spec.Id },
                Ports = [new V1ServicePort { Name = "http", Port = port, TargetPort = port }],
            },
        };
    }

    /// <summary><c>key=value</c> as given, a bare <c>name</c> as <c>name: "true"</c> (the usual form of feature labels).</summary>
    public static Dictionary<string, string>? NodeSelector(IReadOnlyList<string> affinity)
    {
        if (affinity.Count == 0)
        {
            return null;
        }

        var selector = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in affinity)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? entry : entry[..equals]).Trim();
            var value = equals < 0 ? "true" : entry[(equals + 1)..].Trim();
            if (key.Length == 0)
            {
                throw new ArgumentException($"Node affinity '{entry}' has no label name.", nameof(affinity));
            }

            selector[key] = value;
        }

        return selector;
    }

    /// <summary>Whole cores as <c>N</c>, fractions in millicores (<c>1500m</c>), memory in GiB (<c>NGi</c>).</summary>
    public static Dictionary<string, ResourceQuantity>? Limits(ExecutionSpec spec)
    {
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (spec.GpusPerWorker > 0)
        {
            limits[GpuResource] = new ResourceQuantity(spec.GpusPerWorker.ToString(CultureInfo.InvariantCulture));
        }

        if (spec.CpusPerWorker > 0)
        {
            var millis = (long)Math.Round(spec.CpusPerWorker * 1000, MidpointRounding.AwayFromZero);
            limits["cpu"] = new ResourceQuantity(millis % 1000 == 0
                ? (millis / 1000).ToString(CultureInfo.InvariantCulture)
                : millis.ToString(CultureInfo.InvariantCulture) + "m");
        }

        if (spec.MemoryGiBPerWorker > 0)
        {
            limits["memory"] = new ResourceQuantity(spec.MemoryGiBPerWorker.ToString(CultureInfo.InvariantCulture) + "Gi");
        }

        return limits.Count == 0 ? null : limits;
    }

    /// <summary>
    /// Requests equal to limits (Guaranteed QoS for cpu and memory): a run is placed only where
    /// what it asked for is free, and cannot take more than that.
    /// </summary>
    public static V1ResourceRequirements? Resources(ExecutionSpec spec) =>
        Limits(spec) is { } limits
            ? new V1ResourceRequirements { Limits = limits, Requests = new Dictionary<string, ResourceQuantity>(limits, StringComparer.Ordinal) }
            : null;

    private static V1PodSpec PodSpec(ExecutionSpec spec, KubernetesOptions options, IList<V1ContainerPort>? ports)
    {
        var staging = new KubernetesStaging(options);
        var volumes = new List<V1Volume>();
        var mounts = new List<V1VolumeMount>();
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        if (staging.Enabled)
        {
            var (volume, work) = staging.WorkMount(spec.Id);
            volumes.Add(volume);
            mounts.Add(work);
            staging.Describe(environment);
        }

        for (var i = 0; i < spec.Mounts.Count; i++)
        {
            var mount = spec.Mounts[i];
            var path = staging.ContainerPath(mount);
            if (staging.SubPath(mount.Source) is { } subPath)
            {
                mounts.Add(new V1VolumeMount { Name = KubernetesStaging.VolumeName, MountPath = path, SubPath = subPath, ReadOnlyProperty = mount.ReadOnly });
            }
            else
            {
                volumes.Add(Volume(mount, i));
                mounts.Add(new V1VolumeMount { Name = VolumeName(i), MountPath = path, ReadOnlyProperty = mount.ReadOnly });
            }

            // The staging grain names folders as the silo sees them: the pod sees them at the mount.
            foreach (var (name, value) in environment.Where(e => e.Value == mount.Source).ToList())
            {
                environment[name] = path;
            }
        }

        if (ports is [{ } served, ..])
        {
            // The pod has a network namespace of its own: it binds every address, the gateway reaches its pod IP.
            HttpEndpoint.Apply(environment, served.ContainerPort, "0.0.0.0");
        }

        DKubeIdentityVariables.Apply(environment, spec);
        return new V1PodSpec
        {
            RestartPolicy = "Never",
            NodeSelector = NodeSelector(spec.NodeAffinity),
            ServiceAccountName = Option(spec, KubernetesBackendOptions.ServiceAccount),
            PriorityClassName = Option(spec, KubernetesBackendOptions.PriorityClass),
            TerminationGracePeriodSeconds = (long)Math.Ceiling(options.TerminationGrace.TotalSeconds),
            Volumes = volumes.Count == 0 ? null : volumes,
            Containers =
            [
                new V1Container
                {
                    Name = ContainerName,
                    Image = spec.Image,
                    Command = ["/bin/sh", "-c", spec.Command],
                    WorkingDir = staging.Enabled || spec.Mounts.Any(m => !m.MountPath.StartsWith('/')) ? staging.WorkDir : null,
                    Env = environment.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value }).ToList(),
                    Ports = ports,
                    Resources = Resources(spec),
                    VolumeMounts = mounts.Count == 0 ? null : mounts,
                },
            ],
        };
    }

    // An absolute source outside the staging claim is a path on the node (shared storage mounted
    // on every node); anything else names a PersistentVolumeClaim in the namespace.
    private static V1Volume Volume(VolumeMount mount, int index) =>
        mount.Source.StartsWith('/')
            ? new V1Volume { Name = VolumeName(index), HostPath = new V1HostPathVolumeSource { Path = mount.Source } }
            : new V1Volume
            {
                Name = VolumeName(index),
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = mount.Source, ReadOnlyProperty = mount.ReadOnly },
            };

    private static string VolumeName(int index) => "vol-" + index.ToString(CultureInfo.InvariantCulture);

    private static void Validate(ExecutionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.TensorBoardOf is not null)
        {
            throw new ArgumentException("TensorBoard is served on local clusters only for now.", nameof(spec));
        }

        if (string.IsNullOrWhiteSpace(spec.Image))
        {
            throw new ArgumentException($"Work {spec.Id} has no image; Kubernetes runs containers only.", nameof(spec));
        }

        if (spec.Mounts.FirstOrDefault(m => m.MountPath.Split('/').Contains("..")) is { } outside)
        {
            throw new ArgumentException($"Mount path '{outside.MountPath}' may not contain '..'.", nameof(spec));
        }
    }

    /// <summary>Work that runs as one pod behind a Service (an IDE, a model server) rather than as a Job.</summary>
    public static bool RunsAsServer(WorkloadKind kind) => kind != WorkloadKind.Run;

    private static int ServerPort(ExecutionSpec spec, KubernetesOptions options) =>
        Option(spec, KubernetesBackendOptions.Port) is not { } text
            ? options.IdePort
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new ArgumentException($"Option '{KubernetesBackendOptions.Port}' must be a TCP port, not '{text}'.", nameof(spec));

    private static string? Option(ExecutionSpec spec, string key) =>
        spec.BackendOptions.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static long? DeadlineSeconds(TimeSpan? limit) =>
        limit is { } l && l > TimeSpan.Zero ? (long)Math.Ceiling(l.TotalSeconds) : null;
}
