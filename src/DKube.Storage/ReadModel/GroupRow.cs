namespace DKube.Storage.ReadModel;

/// <summary>A group as the read model keeps it, with its whole member set.</summary>
internal sealed record GroupRow(string Name, int Gpus, IReadOnlyList<string> Clusters, IReadOnlyCollection<string> Members, DateTimeOffset CreatedAt);
