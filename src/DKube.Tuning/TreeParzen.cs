namespace DKube.Tuning;

/// <summary>
/// Katib's <c>tpe</c> (and <c>multivariate-tpe</c>): the scored trials split into the best few
/// ("good") and the rest; each group becomes a Parzen density (a product of Gaussians per point,
/// so parameters are modelled jointly, plus a uniform prior), and of candidates drawn from the good
/// density the one with the largest good/bad ratio runs next. The first
/// <see cref="StartupTrials"/> trials are random.
/// </summary>
public sealed class TreeParzen(SearchSpace space, int seed) : ISearchAlgorithm
{
    private const int Candidates = 64;

    public int StartupTrials { get; } = Math.Clamp(2 * space.Dimensions, 5, 10);

    public Proposal Propose(int index, IReadOnlyList<TrialRecord> trials)
    {
        var random = Seeds.For(seed, index);
        var scored = trials.Where(t => t.Score is not null).OrderBy(t => t.Score).Select(t => space.Encode(t.Parameters)).ToList();
        if (scored.Count < StartupTrials)
        {
            return new Proposal(space.Decode(space.Uniform(random)), null, false);
        }

        var goodCount = Math.Clamp((int)Math.Ceiling(0.15 * scored.Count), 1, 25);
        var good = new Parzen(scored.Take(goodCount).ToList(), space.Dimensions);
        // Running trials join the bad group, so parallel proposals do not all aim at one spot.
        var bad = new Parzen(scored.Skip(goodCount).Concat(trials.Where(t => !t.Done).Select(t => space.Encode(t.Parameters))).ToList(), space.Dimensions);
        double[]? chosen = null;
        var bestRatio = double.NegativeInfinity;
        for (var i = 0; i < Candidates; i++)
        {
            var candidate = good.Sample(random);
            var ratio = good.LogDensity(candidate) - bad.LogDensity(candidate);
            if (ratio > bestRatio)
            {
                (bestRatio, chosen) = (ratio, candidate);
            }
        }

        return new Proposal(space.Decode(chosen!), null, false);
    }

    private sealed class Parzen
    {
        private readonly List<double[]> points;
        private readonly double[] bandwidth;

        public Parzen(List<double[]> points, int dimensions)
        {
            this.points = points;
            bandwidth = new double[dimensions];
            var m = Math.Max(points.Count, 1);
            for (var d = 0; d < dimensions; d++)
            {
                // Scott's rule on a fifth of the range, as Optuna's multivariate TPE: the kernels narrow
                // as the group grows, whatever the spread of its few points.
                bandwidth[d] = Math.Max(0.2 * Math.Pow(m, -1.0 / (dimensions + 4)), 0.02);
            }
        }

        public double[] Sample(Random random)
        {
            // Pick a component: the uniform prior or one point, equally likely.
            var pick = random.Next(points.Count + 1);
            if (pick == points.Count)
            {
                return bandwidth.Select(_ => random.NextDouble()).ToArray();
            }

            return points[pick].Select((v, d) => Reflect(v + (BayesianOptimization.Gaussian(random) * bandwidth[d]))).ToArray();
        }

        public double LogDensity(double[] x)
        {
            var sum = 1.0; // the uniform prior's density on the unit cube
            foreach (var p in points)
            {
                var product = 1.0;
                for (var d = 0; d < x.Length; d++)
                {
                    product *= Normal.Pdf((x[d] - p[d]) / bandwidth[d]) / bandwidth[d];
                }

                sum += product;
            }

            return Math.Log(sum / (points.Count + 1));
        }

        private static double Reflect(double v)
        {
            v = Math.Abs(v) % 2;
            return v > 1 ? 2 - v : v;
        }
    }
}
