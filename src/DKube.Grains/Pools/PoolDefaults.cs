namespace DKube.Grains.Pools;

public static class PoolDefaults
{
    /// <summary>How long the head of a best-effort queue may be passed before it blocks the rest.</summary>
    public static readonly TimeSpan MaxHeadAge = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long an activating pool retries asking a stale holder of its GPUs to recover: right after
    /// a silo died, calls to the grains it hosted fail until the membership has declared it dead.
    /// </summary>
    public static readonly TimeSpan RecoveryBudget = TimeSpan.FromMinutes(5);
}
