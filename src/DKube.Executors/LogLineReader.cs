using System.Text;

namespace DKube.Executors;

/// <summary>
/// Cuts a growing log into lines. A line the work is still writing (no newline yet) is held back
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
        var chunk = _buffer.AsSpan(0, read);
        int newline;
        while ((newline = chunk.IndexOf('\n')) >= 0)
        {
            _pending.Append(chunk[..newline]);
            lines.Add(TakePending());
            chunk = chunk[(newline + 1)..];
        }

        _pending.Append(chunk);
        return read > 0;
    }

    /// <summary>The last line when the log did not end with a newline.</summary>
    public string? TakeRemainder() => _pending.Length == 0 ? null : TakePending();

    private string TakePending()
    {
        // Written on Windows or by a tool that ends lines with CRLF.
        if (_pending.Length > 0 && _pending[^1] == '\r')
            _pending.Length--;
        var line = _pending.ToString();
        _pending.Clear();
        return line;
    }
}
