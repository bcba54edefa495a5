namespace DKube.Grains.Pools;

public static class PoolDefaults
{
    /// <summary>How long the head of a best-effort queue may be passed before it blocks the rest.</summary>
    public static readonly TimeSpan MaxHeadAge = TimeSpan.FromMinutes(30);
}
