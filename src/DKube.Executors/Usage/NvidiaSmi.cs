using System.Diagnostics;
using System.Globalization;

namespace DKube.Executors.Usage;

/// <summary>
/// GPU utilization per index from <c>nvidia-smi</c>. A machine without it (or whose driver does not
/// answer) is asked once: after the first failure every call answers null at no cost.
/// </summary>
public sealed class NvidiaSmi(string program = "nvidia-smi")
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);
    private volatile bool _absent;

    public async Task<IReadOnlyDictionary<int, double>?> UtilizationAsync(CancellationToken cancellationToken)
    {
        if (_absent)
        {
            return null;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, "--query-gpu=index,utilization.gpu --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Budget);
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                _absent = true;
                return null;
            }

            return Parse(output);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException or OperationCanceledException)
        {
            _absent = !cancellationToken.IsCancellationRequested;
            return null;
        }
    }

    /// <summary>Lines of <c>index, percent</c>; lines that say <c>[N/A]</c> or do not parse are left out.</summary>
    public static IReadOnlyDictionary<int, double> Parse(string output)
    {
        var byIndex = new Dictionary<int, double>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
            {
                byIndex[index] = percent;
            }
        }

        return byIndex;
    }

    /// <summary>The mean utilization of <paramref name="indices"/> that reported one, or null.</summary>
    public static double? MeanOf(IReadOnlyDictionary<int, double>? byIndex, IEnumerable<int> indices)
    {
        if (byIndex is null)
        {
            return null;
        }

        var known = indices.Where(byIndex.ContainsKey).Select(i => byIndex[i]).ToList();
        return known.Count == 0 ? null : known.Average();
    }
}
