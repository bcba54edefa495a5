namespace DKube.Abstractions.Serving;

/// <summary>
/// What serves the model: <c>sklearn</c> (DKube's model server) or <c>custom</c> (any
/// <see cref="Command"/> that listens on <c>PORT</c>); <see cref="Prefix"/> is the path the
/// runtime's routes live under (requests to <c>/serve/{id}/x</c> reach <c>{prefix}/x</c>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.serving-runtime")]
public sealed record ServingRuntime(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? Command,
    [property: Id(2)] string? Image,
    [property: Id(3)] int? Port,
    [property: Id(4)] string Prefix)
{
    public const string Sklearn = "sklearn";
    public const string Custom = "custom";
}
