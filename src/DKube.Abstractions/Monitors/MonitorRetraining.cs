namespace DKube.Abstractions.Monitors;

/// <summary>
/// One retraining an alert started: its run (<c>{monitor}-r{n}</c>), the alert and when it fired,
/// where it stands (<see cref="Starting"/> until the run is created, <see cref="Running"/>, then
/// <see cref="Promoted"/>, <see cref="Completed"/> without promotion, or <see cref="Failed"/>), the
/// model version the run made and why it failed.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-retraining")]
public sealed record MonitorRetraining(
    [property: Id(0)] string Run,
    [property: Id(1)] string Alert,
    [property: Id(2)] DateTimeOffset FiredAt,
    [property: Id(3)] string State,
    [property: Id(4)] int? Version = null,
    [property: Id(5)] string? Reason = null,
    [property: Id(6)] DateTimeOffset? EndedAt = null)
{
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Promoted = "promoted";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>The run is still to come or under way: the alert starts no other meanwhile.</summary>
    public bool InFlight => State is Starting or Running;
}
