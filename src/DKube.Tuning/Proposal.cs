namespace DKube.Tuning;

/// <summary>
/// An algorithm's answer: the next trial's parameters, or none, either for now (it waits for
/// running trials, as hyperband does between rungs) or for good (<see cref="Exhausted"/>: a grid ran out).
/// </summary>
public sealed record Proposal(IReadOnlyDictionary<string, string>? Parameters, string? Tag, bool Exhausted)
{
    public static Proposal Wait { get; } = new(null, null, false);

    public static Proposal Done { get; } = new(null, null, true);
}
