using System.Globalization;
using System.Text.Json;

namespace DKube.Executors.Local;

/// <summary>Reads and writes the small files of a run's <c>.dkube/</c> folder.</summary>
internal static class LocalRunFiles
{
    public static async Task WriteRecordAsync(LocalRunPaths paths, LocalRunRecord record, CancellationToken cancellationToken)
    {
        // Write then rename, so a crash never leaves a half-written record behind.
        var temporary = paths.RecordFile + ".tmp";
        await using (var stream = File.Create(temporary))
            await JsonSerializer.SerializeAsync(stream, record, cancellationToken: cancellationToken);
        File.Move(temporary, paths.RecordFile, overwrite: true);
    }

    public static async Task<LocalRunRecord?> ReadRecordAsync(LocalRunPaths paths, CancellationToken cancellationToken)
    {
        // Every start asks first whether the id is known (the agent's adopt-or-start): an exception
        // per new run (no folder yet) was a measurable share of a start's cost.
        if (!File.Exists(paths.RecordFile))
            return null;

        try
        {
            await using var stream = File.OpenRead(paths.RecordFile);
            return await JsonSerializer.DeserializeAsync<LocalRunRecord>(stream, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The wrapper's "pid starttime" line, or null while it is not (fully) written.</summary>
    public static async Task<ProcessIdentity?> ReadIdentityAsync(LocalRunPaths paths, CancellationToken cancellationToken)
    {
        var parts = (await ReadSmallFileAsync(paths.PidFile, cancellationToken))?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var pid, var start]
            && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? new ProcessIdentity(p, s)
            : null;
    }

    public static async Task<int?> ReadExitCodeAsync(LocalRunPaths paths, CancellationToken cancellationToken) =>
        int.TryParse(await ReadSmallFileAsync(paths.ExitCodeFile, cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    public static Task WriteMarkerAsync(string file, DateTimeOffset at, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(file, at.ToString("O", CultureInfo.InvariantCulture) + "\n", cancellationToken);

    private static async Task<string?> ReadSmallFileAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
