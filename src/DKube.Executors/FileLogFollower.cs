using System.Runtime.CompilerServices;
using System.Text;

namespace DKube.Executors;

/// <summary>
/// Reads a log file that the work writes itself (local runs, Slurm jobs) line by line. When
/// following, it waits for the file to appear and grow until the work has ended, then drains what
/// is left; only complete lines are handed out while the work still writes.
/// </summary>
internal static class FileLogFollower
{
    /// <param name="hasEnded">Whether the work has ended (or is unknown): no more lines will come.</param>
    public static async IAsyncEnumerable<string> ReadAsync(
        string path,
        bool follow,
        Func<CancellationToken, ValueTask<bool>> hasEnded,
        TimeSpan pollInterval,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The work creates its file a moment after it starts.
        while (!File.Exists(path))
        {
            if (!follow || await hasEnded(cancellationToken))
            {
                // It may have ended just as its file appeared: one last look.
                if (!File.Exists(path))
                    yield break;
                break;
            }

            await Task.Delay(pollInterval, time, cancellationToken);
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true);
        using var text = new StreamReader(stream, Encoding.UTF8);
        var reader = new LogLineReader(text);
        var lines = new List<string>();
        while (true)
        {
            // Asked before reading: if it had ended by then, this pass reads the file to its very end.
            var ended = !follow || await hasEnded(cancellationToken);
            while (await reader.ReadMoreAsync(lines, cancellationToken))
            {
                foreach (var line in lines)
                    yield return line;
                lines.Clear();
            }

            if (ended)
                break;
            await Task.Delay(pollInterval, time, cancellationToken);
        }

        if (reader.TakeRemainder() is { } last)
            yield return last;
    }
}
