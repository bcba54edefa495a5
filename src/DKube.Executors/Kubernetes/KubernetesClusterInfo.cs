using k8s;
using k8s.Models;

namespace DKube.Executors.Kubernetes;

/// <summary>What a Kubernetes cluster offers: its nodes with CPUs, memory, GPUs and labels, read from the API server.</summary>
public sealed class KubernetesClusterInfo : IDisposable
{
    private readonly k8s.Kubernetes client;

    public KubernetesClusterInfo(KubernetesOptions options)
    {
        client = KubernetesClientFactory.Create(options);
    }

    public async Task<IReadOnlyList<KubernetesNode>> GetNodesAsync(CancellationToken cancellationToken)
    {
        var nodes = await client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken);
        return nodes.Items.Select(n => new KubernetesNode(
            n.Metadata.Name,
            (double)Amount(n, "cpu"),
            (long)(Amount(n, "memory") / (1024 * 1024)),
            (int)Amount(n, KubernetesManifests.GpuResource),
            n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false,
            n.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>()))
            .ToList();
    }

    public void Dispose() => client.Dispose();

    private static decimal Amount(V1Node node, string resource) =>
        node.Status?.Allocatable is { } allocatable && allocatable.TryGetValue(resource, out var a) ? a.ToDecimal()
        : node.Status?.Capacity is { } capacity && capacity.TryGetValue(resource, out var c) ? c.ToDecimal()
        : 0m;
}
