using System.Diagnostics;
using System.Globalization;
using DKube.Executors.Local;

namespace DKube.Benchmarks.Live;

/// <summary>
/// The local executor's utilization sampler (one pass over /proc per sample) with N live workloads:
/// N real processes, each leading its own process group as a local run does, sampled repeatedly;
/// the process's CPU time per sample is the cost.
/// </summary>
public static class SamplerFigures
{
    private const int Samples = 20;

    public static async Task RunAsync(IReadOnlyList<int> workloadCounts)
    {
        Console.WriteLine($"Utilization sampler: {Environment.ProcessorCount} cores, {Directory.EnumerateDirectories("/proc").Count()} entries in /proc before");
        foreach (var n in workloadCounts)
        {
            var processes = new List<Process>();
            try
            {
                for (var i = 0; i < n; i++)
                {
                    // setsid: the sleep leads a process group of its own, as the executor starts each run.
                    processes.Add(Process.Start(new ProcessStartInfo("setsid", ["sleep", "600"]) { UseShellExecute = false })!);
                }

                var groups = processes.Select(p => p.Id).ToHashSet();
                var sampler = new ProcessTreeSampler();
                sampler.Sample(groups, Stopwatch.GetTimestamp());
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var seen = 0;
                for (var i = 0; i < Samples; i++)
                {
                    seen = sampler.Sample(groups, Stopwatch.GetTimestamp()).Count;
                }

                wall.Stop();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                // At the default interval (DKUBE_UTILIZATION_SECONDS), the share of one core it costs.
                var share = cpu.TotalSeconds / Samples / 5 * 100;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n,5} live workloads ({seen} seen)  CPU {cpu.TotalMilliseconds / Samples,7:F1} ms/sample  wall {wall.Elapsed.TotalMilliseconds / Samples,7:F1} ms/sample  = {share,5:F2} % of a core at one sample per 5 s"));
            }
            finally
            {
                foreach (var p in processes)
                {
                    try
                    {
                        p.Kill();
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    p.Dispose();
                }
            }

            await Task.Yield();
        }
    }
}
