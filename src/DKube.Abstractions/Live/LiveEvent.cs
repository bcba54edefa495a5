namespace DKube.Abstractions.Live;

/// <summary>
/// One event of the live feed. <see cref="Id"/> is given by the hub: increasing, and the same in
/// every API process (so a client may resume on any of them with <c>Last-Event-ID</c>).
/// <see cref="Payload"/> is a wire type (a view record) that the API writes as JSON.
/// </summary>
[GenerateSerializer]
[Alias("dkube.live-event")]
public sealed record LiveEvent(
    [property: Id(0)] long Id,
    [property: Id(1)] string Topic,
    [property: Id(2)] LiveScope Scope,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] object Payload);
