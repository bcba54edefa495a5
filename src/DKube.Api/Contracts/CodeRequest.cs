using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record CodeRequest(string? Repo, string? Commit);
