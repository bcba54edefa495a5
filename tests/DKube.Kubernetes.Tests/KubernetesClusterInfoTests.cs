using DKube.Executors.Kubernetes;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesClusterInfoTests
{
    [Fact]
    public async Task Nodes_are_read_with_their_allocatable_gpus_cpus_memory_and_labels()
    {
        await using var h = await KubernetesHarness.StartAsync();
        h.Server.AddNode("gpu-1", "63500m", "515668Mi", 8, true, ("gpu-type", "a100"));
        h.Server.AddNode("cpu-1", "16", "64Gi", 0, false);
        using var info = new KubernetesClusterInfo(h.Options);

        var nodes = (await info.GetNodesAsync(CancellationToken.None)).OrderBy(n => n.Name).ToList();

        Assert.Equal(["cpu-1", "gpu-1"], nodes.Select(n => n.Name));
        Assert.Equal(new KubernetesNode("cpu-1", 16, 65536, 0, false, nodes[0].Labels), nodes[0]);
        Assert.Equal(8, nodes[1].Gpus);
        Assert.Equal(63.5, nodes[1].Cpus);
        Assert.Equal(515668, nodes[1].MemoryMiB);
        Assert.True(nodes[1].Ready);
        Assert.Equal("a100", nodes[1].Labels["gpu-type"]);
    }
}
