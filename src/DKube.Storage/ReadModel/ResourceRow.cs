namespace DKube.Storage.ReadModel;

/// <summary>A resource as the listing read model keeps it.</summary>
public sealed record ResourceRow(
    string Kind,
    string Id,
    string Name,
    string Owner,
    string Group,
    string? Project,
    string? Status,
    DateTimeOffset CreatedAt,
    object Body);
