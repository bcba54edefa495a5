namespace DKube.Tuning;

/// <summary>
/// Katib's <c>sobol</c> (quasi-random): runs as a Halton low-discrepancy sequence with a seeded
/// random shift, which covers the space as evenly as a Sobol sequence for the few dimensions and
/// trials of a study, without its direction-number tables.
/// </summary>
public sealed class SobolSearch(SearchSpace space, int seed) : ISearchAlgorithm
{
    private static readonly int[] Primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

    public Proposal Propose(int index, IReadOnlyList<TrialRecord> trials)
    {
        var shift = Seeds.For(seed, -1);
        var point = new double[space.Dimensions];
        for (var d = 0; d < point.Length; d++)
        {
            var value = RadicalInverse(index + 1, Primes[d % Primes.Length]) + shift.NextDouble();
            point[d] = value - Math.Floor(value);
        }

        return new Proposal(space.Decode(point), null, false);
    }

    private static double RadicalInverse(int n, int b)
    {
        double result = 0, f = 1.0 / b;
        while (n > 0)
        {
            result += f * (n % b);
            n /= b;
            f /= b;
        }

        return result;
    }
}
