namespace DKube.Abstractions.Repos;

[GenerateSerializer]
[Alias("dkube.data-repo")]
public sealed record DataRepoView(
    [property: Id(0)] string Id,
    [property: Id(1)] RepoKind Kind,
    [property: Id(2)] string Name,
    [property: Id(3)] string Owner,
    [property: Id(4)] string Group,
    [property: Id(5)] string? Project,
    [property: Id(6)] string? Description,
    [property: Id(7)] bool Versioned,
    [property: Id(8)] string? Location,
    [property: Id(9)] IReadOnlyList<string> Tags,
    [property: Id(10)] IReadOnlyList<FeatureField>? Features,
    [property: Id(11)] int LatestVersion,
    [property: Id(12)] DateTimeOffset CreatedAt)
{
    /// <summary>Featuresets are shared with every user; everything else follows the owner-or-group rule.</summary>
    public bool VisibleTo(Tenancy.Caller caller) => Kind == RepoKind.FeatureSet || caller.CanSee(Owner, Group);
}
