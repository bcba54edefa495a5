namespace DKube.Abstractions.Common;

/// <summary>Which resources a listing returns: <c>mine</c>, <c>shared</c> (my groups', not mine) or <c>all</c> visible.</summary>
public enum Scope
{
    All,
    Mine,
    Shared,
}
