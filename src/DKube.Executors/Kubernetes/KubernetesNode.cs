namespace DKube.Executors.Kubernetes;

/// <summary>One node as the API server reports it; figures are allocatable (what pods can get), falling back to capacity.</summary>
/// <param name="Gpus">Allocatable <c>nvidia.com/gpu</c> (0 without the NVIDIA device plugin).</param>
/// <param name="Ready">The node's Ready condition is True.</param>
public sealed record KubernetesNode(
    string Name,
    double Cpus,
    long MemoryMiB,
    int Gpus,
    bool Ready,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>
    /// The labels placement matches affinity against: <c>key=value</c> for every label, and the bare
    /// <c>key</c> too where the value is <c>true</c>, because a pod's node selector reads a bare
    /// affinity name (<c>production</c>, what a production deployment asks for) as <c>key: "true"</c>:
    /// without it, what the pod could be scheduled on would be refused as unplaceable before it is made.
    /// </summary>
    public IReadOnlyList<string> AffinityLabels() =>
        [.. Labels.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l =>
            l.Value == "true" ? new[] { $"{l.Key}={l.Value}", l.Key } : [$"{l.Key}={l.Value}"])];
}
