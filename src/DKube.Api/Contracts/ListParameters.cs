using DKube.Abstractions.Common;
using DKube.Api.Validation;

namespace DKube.Api.Contracts;

/// <summary>The query parameters every listing takes: <c>limit</c>, <c>cursor</c>, <c>scope</c>, <c>project</c>.</summary>
public static class ListParameters
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static ListQuery Parse(int? limit, string? cursor, string? scope, string? project, string? group = null)
    {
        var validator = new RequestValidator()
            .Range("limit", limit ?? DefaultLimit, 1, MaxLimit)
            .Text("cursor", cursor, 512);
        var parsedScope = scope switch
        {
            null or "all" => Scope.All,
            "mine" => Scope.Mine,
            "shared" => Scope.Shared,
            _ => (Scope?)null,
        };
        validator.Check(parsedScope is not null, "scope", "must be one of mine, shared, all.");
        validator.Check(project is null || project.Length <= 64, "project", "is not a project id.");
        validator.ThrowIfInvalid();
        return new ListQuery(parsedScope!.Value, project, limit ?? DefaultLimit, cursor, group);
    }
}
