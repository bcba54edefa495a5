namespace DKube.Api.Contracts;

/// <summary>The list envelope of API.md.</summary>
public sealed record ItemsPage<T>(IReadOnlyList<T> Items, string? NextCursor);
