using DKube.Executors.Slurm.Rest;

namespace DKube.Executors.Slurm;

/// <summary>What a Slurm cluster offers: its nodes with CPUs, memory and GPUs (from GRES), read through slurmrestd.</summary>
public sealed class SlurmClusterInfo : IDisposable
{
    private readonly SlurmRestClient rest;

    /// <param name="httpClient">Shared client; when null one is created and disposed with this object.</param>
    public SlurmClusterInfo(SlurmOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        rest = SlurmRestClient.Create(options, httpClient);
    }

    public async Task<IReadOnlyList<SlurmNode>> GetNodesAsync(CancellationToken cancellationToken)
    {
        var nodes = await rest.GetNodesAsync(cancellationToken);
        return nodes.Select(n =>
        {
            var (gpus, type) = SlurmGres.Gpus(n.Gres);
            var (used, _) = SlurmGres.Gpus(n.GresUsed);
            return new SlurmNode(n.Name, n.Cpus, n.RealMemory, gpus, used, type, n.State ?? "unknown", n.Partitions ?? []);
        }).ToList();
    }

    public void Dispose() => rest.Dispose();
}
