namespace DKube.Storage.ReadModel;

/// <summary>A user as the read model keeps it: what a bearer token resolves to.</summary>
internal sealed record UserRow(string Name, IReadOnlyList<string> Roles, byte[] TokenHash, DateTimeOffset CreatedAt);
