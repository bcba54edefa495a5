using System.Globalization;

namespace DKube.Tuning;

/// <summary>
/// Katib's <c>hyperband</c> (settings <c>resource_name</c>, <c>eta</c>, <c>r_l</c>): brackets of
/// successive halving, from many configurations on a small budget to few on the full one. Each
/// configuration's other parameters are random; the resource parameter carries its budget. A rung
/// is promoted (the best 1/eta of it, by score) once all its trials ended, so the algorithm waits
/// between rungs and meanwhile starts the next bracket. Trials are tagged <c>bracket/rung/config</c>.
/// </summary>
public sealed class Hyperband : ISearchAlgorithm
{
    private readonly SearchSpace space;
    private readonly int seed;
    private readonly ParameterSpec resource;
    private readonly double eta;
    private readonly double maxResource;
    private readonly int maxBracket;

    public Hyperband(SearchSpace space, int seed, IReadOnlyDictionary<string, string> settings)
    {
        this.space = space;
        this.seed = seed;
        resource = space.Parameters.Single(p => p.Name == settings["resource_name"]);
        eta = double.Parse(settings.GetValueOrDefault("eta", "3"), CultureInfo.InvariantCulture);
        maxResource = double.Parse(settings["r_l"], CultureInfo.InvariantCulture);
        maxBracket = (int)Math.Floor((Math.Log(maxResource) / Math.Log(eta)) + 1e-9);
    }

    /// <summary>Trials of the whole schedule.</summary>
    public int TotalTrials => Enumerable.Range(0, maxBracket + 1).Sum(s => Enumerable.Range(0, s + 1).Sum(i => RungSize(s, i)));

    public Proposal Propose(int index, IReadOnlyList<TrialRecord> trials)
    {
        var waiting = false;
        for (var s = maxBracket; s >= 0; s--)
        {
            var rung0 = Rung(trials, s, 0);
            if (rung0.Count < RungSize(s, 0))
            {
                var values = new Dictionary<string, string>(space.Decode(space.Uniform(Seeds.For(seed, index))), StringComparer.Ordinal)
                {
                    [resource.Name] = Budget(s, 0),
                };
                return new Proposal(values, Tag(s, 0, rung0.Count), false);
            }

            for (var i = 1; i <= s; i++)
            {
                var previous = Rung(trials, s, i - 1);
                var current = Rung(trials, s, i);
                if (current.Count >= RungSize(s, i))
                {
                    continue;
                }

                if (previous.Any(t => !t.Trial.Done))
                {
                    waiting = true;
                    break;
                }

                var promoted = current.Select(t => t.Config).ToHashSet();
                var next = previous.OrderBy(t => t.Trial.Score ?? double.PositiveInfinity).ThenBy(t => t.Config)
                    .Take(RungSize(s, i)).FirstOrDefault(t => !promoted.Contains(t.Config));
                if (next.Trial is null)
                {
                    break;
                }

                var values = new Dictionary<string, string>(next.Trial.Parameters, StringComparer.Ordinal) { [resource.Name] = Budget(s, i) };
                return new Proposal(values, Tag(s, i, next.Config), false);
            }
        }

        return waiting ? Proposal.Wait : Proposal.Done;
    }

    private int RungSize(int s, int i)
    {
        var n = (int)Math.Ceiling((maxBracket + 1) / (double)(s + 1) * Math.Pow(eta, s));
        return Math.Max(1, (int)Math.Floor(n * Math.Pow(eta, -i)));
    }

    private string Budget(int s, int i)
    {
        var budget = maxResource * Math.Pow(eta, i - s);
        return resource.Type == ParameterType.Int
            ? Math.Max(1, (long)Math.Ceiling(budget - 1e-9)).ToString(CultureInfo.InvariantCulture)
            : ParameterSpec.Format(budget);
    }

    private static string Tag(int s, int i, int config) => FormattableString.Invariant($"{s}/{i}/{config}");

    private static List<(TrialRecord Trial, int Config)> Rung(IReadOnlyList<TrialRecord> trials, int s, int i)
    {
        var prefix = FormattableString.Invariant($"{s}/{i}/");
        return trials.Where(t => t.Tag?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .Select(t => (t, int.Parse(t.Tag![prefix.Length..], CultureInfo.InvariantCulture))).ToList();
    }
}
