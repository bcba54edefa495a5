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

    public static async Task EnsureAsync(IGrainFactory grains, DKubeOptions options)
    {
        var cluster = grains.GetGrain<IClusterGrain>(ClusterName);
        if (await cluster.Get() is not null)
        {
            return;
        }

        var node = new NodeInfo(NodeName(), options.LocalGpus ?? await CountNvidiaGpusAsync(), Environment.ProcessorCount,
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

    private static async Task<int> CountNvidiaGpusAsync()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "-L") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null)
            {
                return 0;
            }

            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? output.Split('\n').Count(l => l.StartsWith("GPU ", StringComparison.Ordinal)) : 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No nvidia-smi: no GPUs on this machine.
            return 0;
        }
    }

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex NotDnsLabel();
}
