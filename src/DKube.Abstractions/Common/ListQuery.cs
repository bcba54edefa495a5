namespace DKube.Abstractions.Common;

/// <summary>A listing request: scope, optional project filter, page size and the cursor of the previous page.</summary>
public sealed record ListQuery(Scope Scope, string? Project, int Limit, string? Cursor, string? Group = null);
