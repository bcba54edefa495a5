using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>GET /code/{id}/commit answer.</summary>
public sealed record ResolvedCommit(string Repo, string Commit);
