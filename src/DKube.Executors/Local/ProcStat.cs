namespace DKube.Executors.Local;

/// <summary>The few fields of /proc/&lt;pid&gt;/stat the executor uses.</summary>
internal readonly record struct ProcStat(char State, int ProcessGroup, long StartTicks)
{
    /// <summary>A zombie has ended; it only waits for its parent (or init) to reap it.</summary>
    public bool IsRunning => State is not ('Z' or 'X' or 'x');
}
