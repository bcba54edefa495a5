namespace DKube.Tuning;

/// <summary>
/// A trial as the algorithms see it: its parameters, whether it ended, and its score (the
/// objective in "smaller is better" form; null while it runs or when it failed).
/// <paramref name="Tag"/> is what the algorithm attached to its proposal (hyperband's bracket and rung).
/// </summary>
public sealed record TrialRecord(int Index, IReadOnlyDictionary<string, string> Parameters, bool Done, double? Score, string? Tag = null);
