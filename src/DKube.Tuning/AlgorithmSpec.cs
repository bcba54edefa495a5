namespace DKube.Tuning;

/// <summary>
/// Katib's <c>algorithm</c> (or <c>earlyStopping</c>): its name as given, the algorithm that runs
/// it here (<see cref="RunsAs"/>; the same name except for the Katib algorithms served by a
/// neighbour, see README) and its settings.
/// </summary>
public sealed record AlgorithmSpec(string Name, string RunsAs, IReadOnlyDictionary<string, string> Settings);
