namespace DKube.Tuning;

/// <summary>
/// Katib's <c>bayesianoptimization</c>: a Gaussian process (squared-exponential kernel on the unit
/// cube, length scale chosen by marginal likelihood) over the scored trials, and the next point
/// where expected improvement is largest. Running trials count as if they scored the best so far
/// (the "constant liar"), so parallel proposals spread out instead of landing on one point.
/// The first <see cref="InitialPoints"/> trials are random.
/// </summary>
public sealed class BayesianOptimization(SearchSpace space, int seed) : ISearchAlgorithm
{
    private static readonly double[] LengthScales = [0.05, 0.1, 0.2, 0.35, 0.6, 1.0];

    public int InitialPoints { get; } = Math.Clamp(2 * space.Dimensions, 5, 10);

    public Proposal Propose(int index, IReadOnlyList<TrialRecord> trials)
    {
        var random = Seeds.For(seed, index);
        var scored = trials.Where(t => t.Score is not null).ToList();
        if (scored.Count < InitialPoints)
        {
            return new Proposal(space.Decode(space.Uniform(random)), null, false);
        }

        var best = scored.Min(t => t.Score!.Value);
        var points = scored.Select(t => (X: space.Encode(t.Parameters), Y: t.Score!.Value))
            .Concat(trials.Where(t => !t.Done).Select(t => (X: space.Encode(t.Parameters), Y: best)))
            .ToList();
        var mean = points.Average(p => p.Y);
        var sd = Math.Sqrt(points.Average(p => (p.Y - mean) * (p.Y - mean)));
        sd = sd > 1e-12 ? sd : 1;
        var x = points.Select(p => p.X).ToArray();
        var y = points.Select(p => (p.Y - mean) / sd).ToArray();
        var model = LengthScales.Select(l => GaussianProcess.Fit(x, y, l)).Where(m => m is not null).MaxBy(m => m!.LogLikelihood)
            ?? GaussianProcess.Fit(x, y, 0.3)!;
        var target = (best - mean) / sd;

        // Candidates: uniform points, and points near the best trials (where EI is usually highest).
        var candidates = new List<double[]>();
        for (var i = 0; i < 1000; i++)
        {
            candidates.Add(space.Uniform(random));
        }

        foreach (var (point, _) in points.Take(scored.Count).OrderBy(p => p.Y).Take(5))
        {
            for (var i = 0; i < 100; i++)
            {
                candidates.Add(point.Select(v => Math.Clamp(v + (Gaussian(random) * 0.05), 0, 1)).ToArray());
            }
        }

        var chosen = candidates.MaxBy(c => ExpectedImprovement(model, c, target))!;
        return new Proposal(space.Decode(chosen), null, false);
    }

    private static double ExpectedImprovement(GaussianProcess model, double[] point, double best)
    {
        var (mu, variance) = model.Predict(point);
        var sigma = Math.Sqrt(Math.Max(variance, 1e-12));
        var improvement = best - mu - 0.01;
        var z = improvement / sigma;
        return (improvement * Normal.Cdf(z)) + (sigma * Normal.Pdf(z));
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
