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
    IReadOnlyDictionary<string, string> Labels);
