namespace DKube.Monitoring.Tests;

/// <summary>Seeded sample generators shared by the tests: the same seed gives the same sample everywhere.</summary>
internal static class Samples
{
    public static double[] Normal(int seed, int n, double mean = 0, double sd = 1, int? decimals = null)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            // Box-Muller: two uniforms give one standard normal.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            var v = mean + (sd * z);
            values[i] = decimals is { } d ? Math.Round(v, d) : v;
        }

        return values;
    }

    public static string[] Categories(int seed, int n, double[] weights, string[]? names = null)
    {
        var random = new Random(seed);
        var total = weights.Sum();
        var values = new string[n];
        for (var i = 0; i < n; i++)
        {
            var u = random.NextDouble() * total;
            var k = 0;
            while (k < weights.Length - 1 && u >= weights[k])
            {
                u -= weights[k];
                k++;
            }

            values[i] = names?[k] ?? $"c{k}";
        }

        return values;
    }
}
