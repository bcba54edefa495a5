namespace DKube.Executors.Kubernetes;

/// <summary>
/// Keys of <see cref="ExecutionSpec.BackendOptions"/> the Kubernetes executor understands; other
/// keys belong to other backends and are ignored.
/// </summary>
public static class KubernetesBackendOptions
{
    /// <summary>The port an IDE or model server listens on in its container (default <see cref="KubernetesOptions.IdePort"/>).</summary>
    public const string Port = HttpEndpoint.PortOption;

    /// <summary>The service account the pods run as (default: the namespace's <c>default</c>).</summary>
    public const string ServiceAccount = "serviceAccount";

    /// <summary>The pods' PriorityClass, for clusters that preempt.</summary>
    public const string PriorityClass = "priorityClass";
}
