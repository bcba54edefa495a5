namespace DKube.Abstractions.Common;

/// <summary>Which resources a listing returns: <c>mine</c>, <c>shared</c> (my groups', not mine) or <c>all</c> visible.</summary>
public enum Scope
{
    All,
    Mine,
    Shared,
}

/// <summary>A listing request: scope, optional project filter, page size and the cursor of the previous page.</summary>
public sealed record ListQuery(Scope Scope, string? Project, int Limit, string? Cursor, string? Group = null);
