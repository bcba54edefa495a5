namespace DKube.Scheduling.Tests.Properties;

/// <summary>Runs a property over many seeded sequences and names the failing seed so it can be replayed.</summary>
internal static class Seeded
{
    public static void ForEach(int firstSeed, int count, Action<Random, int> property)
    {
        for (var seed = firstSeed; seed < firstSeed + count; seed++)
        {
            try
            {
                property(new Random(seed), seed);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Property failed for seed {seed} (replay with ForEach({seed}, 1, ...)): {e.Message}", e);
            }
        }
    }
}
