using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace DKube.Executors.Slurm;

/// <summary>
/// Reads slurmctld's jobcomp/filetxt log. Without slurmdbd there is no sacct and a finished job
/// leaves slurmrestd after MinJobAge, so this log is where a final state is found afterwards.
/// </summary>
internal static partial class SlurmJobCompLog
{
    // "JobId=1 UserId=slurm(64030) GroupId=... Name=t1 JobState=FAILED ... ExitCode=3:0"
    [GeneratedRegex(@"^JobId=(?<id>\d+) .*? Name=(?<name>.*?) JobState=(?<state>\S+) .* ExitCode=(?<code>\d+):(?<signal>\d+)")]
    private static partial Regex LinePattern();

    public static async IAsyncEnumerable<SlurmJobCompEntry> ReadAsync(
        string? path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            yield break;
        }

        await using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var match = LinePattern().Match(line);
            if (match.Success)
            {
                yield return new SlurmJobCompEntry(
                    long.Parse(match.Groups["id"].ValueSpan, CultureInfo.InvariantCulture),
                    match.Groups["name"].Value,
                    match.Groups["state"].Value,
                    int.Parse(match.Groups["code"].ValueSpan, CultureInfo.InvariantCulture),
                    int.Parse(match.Groups["signal"].ValueSpan, CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The last record per job id among <paramref name="jobIds"/>.</summary>
    public static async Task<IReadOnlyDictionary<long, SlurmJobCompEntry>> FindByJobIdAsync(
        string? path, IReadOnlySet<long> jobIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<long, SlurmJobCompEntry>();
        await foreach (var entry in ReadAsync(path, cancellationToken))
        {
            if (jobIds.Contains(entry.JobId))
            {
                found[entry.JobId] = entry;
            }
        }

        return found;
    }

    /// <summary>The newest record (highest job id) per job name among <paramref name="names"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, SlurmJobCompEntry>> FindByNameAsync(
        string? path, IReadOnlySet<string> names, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, SlurmJobCompEntry>(StringComparer.Ordinal);
        await foreach (var entry in ReadAsync(path, cancellationToken))
        {
            if (names.Contains(entry.Name) && (!found.TryGetValue(entry.Name, out var seen) || seen.JobId < entry.JobId))
            {
                found[entry.Name] = entry;
            }
        }

        return found;
    }
}
