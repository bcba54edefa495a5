namespace DKube.Tuning;

/// <summary>Deterministic seeds: one random stream per (study seed, trial index), whatever ran before.</summary>
public static class Seeds
{
    public static Random For(int seed, int index, int salt = 0) => new(Mix(((ulong)(uint)seed << 32) ^ (uint)index ^ ((ulong)(uint)salt << 16)));

    /// <summary>A stable seed from text (a study id); string.GetHashCode changes per process.</summary>
    public static int Of(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (int)(hash ^ (hash >> 32));
    }

    // SplitMix64's finalizer: neighbouring indices give unrelated streams.
    private static int Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (int)((x ^ (x >> 31)) & int.MaxValue);
    }
}
