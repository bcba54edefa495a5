using System.Runtime.CompilerServices;
using System.Text;

namespace DKube.Executors.Slurm;

/// <summary>
/// Reads a job's output file line by line; when following, it waits for the file to appear and
/// grow until the job has ended, then drains what is left. Only complete lines are handed out
/// while the job writes, so a line is never split across two reads.
/// </summary>
internal static class SlurmLogFollower
{
    public static async IAsyncEnumerable<string> ReadAsync(
        string path,
        bool follow,
        Func<CancellationToken, ValueTask<bool>> hasEnded,
        TimeSpan pollInterval,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!File.Exists(path))
        {
            if (!follow || await hasEnded(cancellationToken))
            {
                // The job may have ended just as its file appeared: one last look.
                if (!File.Exists(path))
                {
                    yield break;
                }

                break;
            }

            await Task.Delay(pollInterval, time, cancellationToken);
        }

        await using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024, useAsync: true);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var partial = new StringBuilder();
        var buffer = new char[8 * 1024];
        var ended = !follow;
        while (true)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                foreach (var line in SplitLines(buffer.AsSpan(0, read), partial))
                {
                    yield return line;
                }

                continue;
            }

            if (ended)
            {
                break;
            }

            // At the end of what is written so far. If the job has ended, read once more: its
            // last bytes may have landed between our read and the state check.
            ended = await hasEnded(cancellationToken);
            if (!ended)
            {
                await Task.Delay(pollInterval, time, cancellationToken);
            }
        }

        if (partial.Length > 0)
        {
            yield return partial.ToString();
        }
    }

    private static List<string> SplitLines(ReadOnlySpan<char> chunk, StringBuilder partial)
    {
        var lines = new List<string>();
        int newline;
        while ((newline = chunk.IndexOf('\n')) >= 0)
        {
            partial.Append(chunk[..newline]);
            if (partial.Length > 0 && partial[^1] == '\r')
            {
                partial.Length--;
            }

            lines.Add(partial.ToString());
            partial.Clear();
            chunk = chunk[(newline + 1)..];
        }

        partial.Append(chunk);
        return lines;
    }
}
