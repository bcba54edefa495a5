using System.Globalization;

namespace DKube.Executors.Slurm;

/// <summary>Reads GPU counts from Slurm GRES strings: <c>gpu:8</c>, <c>gpu:a100:4(S:0-1)</c>, <c>gpu:a100:2,gpu:v100:2,shard:8</c>.</summary>
internal static class SlurmGres
{
    public static (int Count, string? Type) Gpus(string? gres)
    {
        if (string.IsNullOrWhiteSpace(gres) || gres == "N/A")
        {
            return (0, null);
        }

        var count = 0;
        string? type = null;
        foreach (var item in gres.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "(S:0-1)" or "(IDX:0-3)" after the count describes sockets or indices, not amount.
            var paren = item.IndexOf('(', StringComparison.Ordinal);
            var parts = (paren >= 0 ? item[..paren] : item).Split(':');
            if (parts[0] != "gpu")
            {
                continue;
            }

            if (parts.Length >= 2 && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                count += n;
                if (parts.Length >= 3)
                {
                    type ??= parts[1];
                }
            }
            else if (parts.Length == 1)
            {
                count += 1; // "gpu" alone means one
            }
            else
            {
                type ??= parts[1]; // "gpu:a100" alone means one of that type
                count += 1;
            }
        }

        return (count, type);
    }
}
