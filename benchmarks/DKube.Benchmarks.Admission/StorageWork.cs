using DKube.Storage.Grains;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// The grain storage's own counters over a phase: look-ups (activations) and the statements they
/// took, writes and the flushes (commits) they shared, and how long each waited on average.
/// </summary>
public readonly record struct StorageWork(long Reads, long ReadStatements, TimeSpan ReadWait, long Writes, long Flushes, TimeSpan WriteWait)
{
    public static StorageWork Of(GrainStateBatcher batcher) =>
        new(batcher.StateReads, batcher.ReadStatements, batcher.ReadWait, batcher.Writes, batcher.Flushes, batcher.WriteWait);

    public static StorageWork operator -(StorageWork a, StorageWork b) =>
        new(a.Reads - b.Reads, a.ReadStatements - b.ReadStatements, a.ReadWait - b.ReadWait, a.Writes - b.Writes, a.Flushes - b.Flushes, a.WriteWait - b.WriteWait);

    public string Report(int runs) =>
        $"{(double)Reads / runs:F2} state reads per run in {(double)ReadStatements / runs:F3} statements ({(double)Reads / Math.Max(1, ReadStatements):F1} per statement), " +
        $"a read waits {ReadWait.TotalMilliseconds / Math.Max(1, Reads):F2} ms; " +
        $"{(double)Writes / runs:F2} writes per run in {(double)Flushes / runs:F3} flushes ({(double)Writes / Math.Max(1, Flushes):F1} per flush), " +
        $"a write waits {WriteWait.TotalMilliseconds / Math.Max(1, Writes):F2} ms for its commit";
}
