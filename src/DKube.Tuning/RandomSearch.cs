namespace DKube.Tuning;

/// <summary>Katib's <c>random</c>: each trial uniform over the space, from its own seeded stream.</summary>
public sealed class RandomSearch(SearchSpace space, int seed) : ISearchAlgorithm
{
    public Proposal Propose(int index, IReadOnlyList<TrialRecord> trials) =>
        new(space.Decode(space.Uniform(Seeds.For(seed, index))), null, false);
}
