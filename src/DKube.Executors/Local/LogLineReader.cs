using System.Text;

namespace DKube.Executors.Local;

/// <summary>
/// Cuts a growing log into lines. A line the run is still writing (no newline yet) is held back
/// until it is complete, so a follower never sees one line split in two.
/// </summary>
internal sealed class LogLineReader(TextReader reader)
{
    private readonly char[] _buffer = new char[8192];
    private readonly StringBuilder _pending = new();

    /// <summary>Reads one chunk and adds the lines it completes; false at the current end of the file.</summary>
    public async Task<bool> ReadMoreAsync(List<string> lines, CancellationToken cancellationToken)
    {
        // A StreamReader does not latch end-of-file: the next read sees what was appended since.
        var read = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken);
        for (var i = 0; i < read; i++)
        {
            if (_buffer[i] == '\n')
                lines.Add(TakePending());
            else
                _pending.Append(_buffer[i]);
        }

        return read > 0;
    }

    /// <summary>The last line when the log did not end with a newline.</summary>
    public string? TakeRemainder() => _pending.Length == 0 ? null : TakePending();

    private string TakePending()
    {
        var line = _pending.ToString();
        _pending.Clear();
        return line.EndsWith('\r') ? line[..^1] : line;
    }
}
