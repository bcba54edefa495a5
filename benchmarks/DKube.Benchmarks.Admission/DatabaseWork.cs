namespace DKube.Benchmarks.Admission;

/// <summary>PostgreSQL's counters of committed transactions (reads included) and WAL fsyncs (durable commits).</summary>
public readonly record struct DatabaseWork(long Commits, long WalSyncs)
{
    public static DatabaseWork operator -(DatabaseWork a, DatabaseWork b) => new(a.Commits - b.Commits, a.WalSyncs - b.WalSyncs);

    public string Per(int runs) => $"{(double)Commits / runs,6:F2} commits, {(double)WalSyncs / runs,6:F3} WAL fsyncs";
}
