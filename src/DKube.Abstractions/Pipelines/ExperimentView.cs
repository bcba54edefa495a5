namespace DKube.Abstractions.Pipelines;

/// <summary>An experiment: a group of pipeline runs; <see cref="Status"/> is <c>Active</c> or <c>Archived</c>.</summary>
[GenerateSerializer]
[Alias("dkube.experiment")]
public sealed record ExperimentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] string? Description,
    [property: Id(6)] string Status,
    [property: Id(7)] IReadOnlyDictionary<string, ExperimentAccess> Contributors,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? ArchivedAt)
{
    public const string Active = "Active";
    public const string Archived = "Archived";

    /// <summary>What <paramref name="user"/> may do: the creator owns it, contributors have their access.</summary>
    public ExperimentAccess? AccessOf(string user) =>
        user == Owner ? ExperimentAccess.Owner : Contributors.TryGetValue(user, out var access) ? access : null;
}
