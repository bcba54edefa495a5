namespace DKube.Abstractions.Serving;

/// <summary>
/// An image build of one model version as the API hands it to the build grain: the version (the
/// caller saw it), where its image goes (null: the server's defaults), and whose catalog gets it.
/// </summary>
[GenerateSerializer]
[Alias("dkube.model-build-request")]
public sealed record ModelBuildRequest(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string ModelName,
    [property: Id(2)] int Version,
    [property: Id(3)] string Runtime,
    [property: Id(4)] string? Registry,
    [property: Id(5)] string? Repository,
    [property: Id(6)] string? Tag,
    [property: Id(7)] string? BaseImage,
    [property: Id(8)] string Owner,
    [property: Id(9)] string Group,
    [property: Id(10)] string? Project)
{
    /// <summary>One build per model version and runtime: its id, so a repeated POST reaches the same build.</summary>
    public static string IdOf(string modelId, int version, string runtime) =>
        $"{modelId}-v{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{runtime}";
}
