using System.Text.Json.Serialization;

namespace DKube.Abstractions.Serving;

/// <summary>
/// One image build of a model version: where the image goes (<see cref="Image"/>, a tag), and once
/// pushed its digest, the pinned reference (<see cref="ImageDigestReference"/>) and its entry in the
/// image catalog (<see cref="CatalogImage"/>). <see cref="Log"/> is the end of the builder's output.
/// </summary>
[GenerateSerializer]
[Alias("dkube.model-build")]
public sealed record ModelBuildView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Model,
    [property: Id(2)] string ModelName,
    [property: Id(3)] int Version,
    [property: Id(4)] string Runtime,
    [property: Id(5)] ModelBuildStatus Status,
    [property: Id(6)] string Image,
    [property: Id(7)] string BaseImage,
    [property: Id(8)] string? Digest,
    [property: Id(9)] string? ImageDigestReference,
    [property: Id(10)] string? CatalogImage,
    [property: Id(11)] string? Reason,
    [property: Id(12)] IReadOnlyList<string> Log,
    [property: Id(13)] int Attempt,
    [property: Id(14)] string Owner,
    [property: Id(15)] string Group,
    [property: Id(16)] string? Project,
    [property: Id(17)] DateTimeOffset CreatedAt,
    [property: Id(18)] DateTimeOffset UpdatedAt)
{
    /// <summary>Pushed or Failed: no attempt runs (the status says which).</summary>
    [JsonIgnore]
    public bool Ended => Status is ModelBuildStatus.Pushed or ModelBuildStatus.Failed;
}
