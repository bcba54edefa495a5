namespace DKube.Grains.Builds;

/// <summary>
/// The end of a build's output, bounded: written by the builder's reader threads, read by the
/// grain (a GET while the build runs shows it live), hence the lock.
/// </summary>
public sealed class BuildLog
{
    public const int MaxLines = 200;
    private const int MaxLineLength = 1000;
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        var trimmed = line.Length > MaxLineLength ? line[..MaxLineLength] : line;
        lock (_lock)
        {
            _lines.Enqueue(trimmed);
            while (_lines.Count > MaxLines)
            {
                _lines.Dequeue();
            }
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }
}
