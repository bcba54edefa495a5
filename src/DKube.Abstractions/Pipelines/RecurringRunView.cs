namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A recurring run as it stands: its request, whether it is enabled, the last tick it ran (or
/// skipped, without catchup), the next tick it waits for, and its runs that have not ended yet
/// (<see cref="Active"/>, at most maxConcurrency). <see cref="Triggered"/> counts the runs it made.
/// </summary>
[GenerateSerializer]
[Alias("dkube.recurring-run")]
public sealed record RecurringRunView(
    [property: Id(0)] string Id,
    [property: Id(1)] RecurringRunRequest Request,
    [property: Id(2)] bool Enabled,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset Anchor,
    [property: Id(5)] DateTimeOffset? LastTick,
    [property: Id(6)] DateTimeOffset? NextTick,
    [property: Id(7)] IReadOnlyList<string> Active,
    [property: Id(8)] int Triggered,
    [property: Id(9)] string? LastError)
{
    public string Status => Enabled ? "Enabled" : "Disabled";
}
