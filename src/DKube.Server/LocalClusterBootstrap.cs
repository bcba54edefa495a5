using System.Diagnostics;
using System.Text.RegularExpressions;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Errors;

namespace DKube.Server;

/// <summary>
/// Registers the <c>local</c> cluster on first start: this machine as one node, with the GPUs
/// <c>DKUBE_LOCAL_GPUS</c> declares (virtual ones are fine for development), else the ones
/// nvidia-smi lists, else none.
/// </summary>
public static partial class LocalClusterBootstrap
{
    public const string ClusterName = "local";

    /// <summary>How long nvidia-smi may take to list the GPUs before the machine counts as having none.</summary>
    private static readonly TimeSpan NvidiaSmiTimeout = TimeSpan.FromSeconds(10);

    public static async Task EnsureAsync(IGrainFactory grains, DKubeOptions options, CancellationToken cancellationToken)
    {
        var cluster = grains.GetGrain<IClusterGrain>(ClusterName);
        if (await cluster.Get() is not null)
        {
            return;
        }

        var node = new NodeInfo(NodeName(), options.LocalGpus ?? await CountNvidiaGpusAsync(cancellationToken), Environment.ProcessorCount,
            (int)Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)), ["local"]);
        try
        {
            await cluster.Register(new ClusterSpec(ClusterName, ClusterKind.Local, [node], new Dictionary<string, string>()));
        }
        catch (DomainException e) when (e.Code == "name-taken")
        {
            // Another silo starting at the same time registered it first (or our own earlier
            // attempt landed though its answer was lost): exactly what we wanted.
        }
    }

    private static string NodeName()
    {
        var name = NotDnsLabel().Replace(Environment.MachineName.ToLowerInvariant(), "-").Trim('-');
        return name.Length is > 0 and <= 63 ? name : "localhost";
    }

    private static async Task<int> CountNvidiaGpusAsync(CancellationToken cancellationToken)
    {
        Process? process;
        try
        {
            // stderr is left to the server's own: a redirected stream nobody reads can fill and block it.
            process = Process.Start(new ProcessStartInfo("nvidia-smi", "-L") { RedirectStandardOutput = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No nvidia-smi: no GPUs on this machine.
            return 0;
        }

        using (process)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(NvidiaSmiTimeout);
            try
            {
                var output = await process!.StandardOutput.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                return process.ExitCode == 0 ? output.Split('\n').Count(l => l.StartsWith("GPU ", StringComparison.Ordinal)) : 0;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A hung driver must not hang the start: count no GPUs (DKUBE_LOCAL_GPUS overrides).
                process!.Kill(entireProcessTree: true);
                return 0;
            }
        }
    }

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDnsLabel();
}
