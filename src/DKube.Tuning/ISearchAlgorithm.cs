namespace DKube.Tuning;

/// <summary>
/// A search algorithm: a pure function of the trials so far and the index of the trial to propose,
/// seeded, so the same history gives the same proposal (a study is reproducible, and a silo restart
/// that asks again gets the same answer).
/// </summary>
public interface ISearchAlgorithm
{
    Proposal Propose(int index, IReadOnlyList<TrialRecord> trials);
}
