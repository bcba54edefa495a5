namespace DKube.Tuning;

/// <summary>
/// Katib's <c>grid</c>: trial i is the i-th point of the grid (the last parameter varies fastest);
/// exhausted after the last point. Continuous doubles need a step (the parser says so).
/// </summary>
public sealed class GridSearch(SearchSpace space) : ISearchAlgorithm
{
    public long Size { get; } = space.Parameters.Aggregate(1L, (size, p) => size * p.Count!.Value);

    public Proposal Propose(int index, IReadOnlyList<TrialRecord> trials)
    {
        if (index >= Size)
        {
            return Proposal.Done;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        long rest = index;
        for (var i = space.Parameters.Count - 1; i >= 0; i--)
        {
            var p = space.Parameters[i];
            values[p.Name] = p.ValueAt((int)(rest % p.Count!.Value));
            rest /= p.Count!.Value;
        }

        return new Proposal(values, null, false);
    }
}
