using DKube.Executors.Slurm;

namespace DKube.Slurm.Tests;

[Collection(SlurmCollection.Name)]
public sealed class SlurmClusterInfoTests(SlurmFixture slurm)
{
    [Fact]
    public async Task Nodes_and_GRES_show_the_8_GPUs_with_cpus_and_memory()
    {
        using var info = new SlurmClusterInfo(slurm.Options);

        var nodes = await info.GetNodesAsync(CancellationToken.None);

        var node = Assert.Single(nodes);
        Assert.Equal(8, node.Gpus);
        Assert.True(node.Cpus > 0);
        Assert.True(node.MemoryMiB > 0);
        Assert.False(string.IsNullOrEmpty(node.Name));
    }
}
