namespace DKube.Abstractions.Live;

/// <summary>An event on its way to the hub, before the hub numbers it (see <see cref="ILiveHubGrain.PublishAll"/>).</summary>
[GenerateSerializer]
[Alias("dkube.live-publication")]
public sealed record LivePublication(
    [property: Id(0)] string Topic,
    [property: Id(1)] LiveScope Scope,
    [property: Id(2)] object Payload);
