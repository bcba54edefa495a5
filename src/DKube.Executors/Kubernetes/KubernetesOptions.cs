namespace DKube.Executors.Kubernetes;

/// <summary>
/// How to reach one Kubernetes cluster and where DKube's work lives in it. The server builds it
/// from the cluster's registered settings (<see cref="FromSettings"/>); everything else keeps its default.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>
    /// A kubeconfig as YAML text. When null the silo uses its in-cluster service account, which
    /// is the normal case: the grain that talks to a cluster runs on a silo inside it.
    /// </summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The kubeconfig context to use (null: its current-context).</summary>
    public string? Context { get; init; }

    /// <summary>The namespace that receives every Job, Pod and Service of this executor.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>
    /// A PersistentVolumeClaim in <see cref="Namespace"/> that every run's pods mount: the storage
    /// through which a run gets its inputs and code and gives back its output. Null: staged files
    /// are mounted from the node's own disk (hostPath), right only where that is the silo's disk.
    /// </summary>
    public string? VolumeClaim { get; init; }

    /// <summary>Where this silo sees the storage of <see cref="VolumeClaim"/> (an NFS export mounted on the silo, say).</summary>
    public string? StagingPath { get; init; }

    /// <summary>Where the pods see the claim's run folders: a run works in <c>{MountPath}/work</c>.</summary>
    public string MountPath { get; init; } = "/dkube";

    /// <summary>Port an IDE server listens on, exposed by its Service, unless the spec's <c>port</c> option says otherwise.</summary>
    public int IdePort { get; init; } = 8888;

    /// <summary>The cluster's DNS domain: a model server is reported at its Service's name, <c>{id}.{namespace}.svc.{ClusterDomain}</c>.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>
    /// The pods' terminationGracePeriodSeconds: the time between SIGTERM and SIGKILL when a run is
    /// stopped. A Job's pods are deleted by the garbage collector, which honours this rather
    /// than the grace given to the delete call.
    /// </summary>
    public TimeSpan TerminationGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the API server keeps one watch open before ending it; the executor then resumes
    /// from the last resourceVersion it saw, so nothing is lost between the two.
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Pause before a watch is opened again after it failed (API server down, network).</summary>
    public TimeSpan WatchRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the report of a failed run may wait for its pods' exit code. Jobs and pods come
    /// through separate watches, so the Job's Failed condition can arrive before the failed pod;
    /// past this wait the failure is reported without an exit code.
    /// </summary>
    public TimeSpan ExitCodeWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a followed log looks again for a pod that has not started yet.</summary>
    public TimeSpan LogPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The options of a registered cluster, from its settings (<c>kubeconfig, namespace, volumeClaim,
    /// stagingPath, mountPath, clusterDomain</c>, as <c>POST /clusters</c> stores them): here, beside
    /// the options, so that no setting is registered and then never read.
    /// </summary>
    public static KubernetesOptions FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        var defaults = new KubernetesOptions();
        return new KubernetesOptions
        {
            Kubeconfig = settings.GetValueOrDefault("kubeconfig"),
            Namespace = settings.GetValueOrDefault("namespace", defaults.Namespace),
            VolumeClaim = settings.GetValueOrDefault("volumeClaim"),
            StagingPath = settings.GetValueOrDefault("stagingPath"),
            MountPath = settings.GetValueOrDefault("mountPath", defaults.MountPath),
            ClusterDomain = settings.GetValueOrDefault("clusterDomain", defaults.ClusterDomain),
        };
    }
}
