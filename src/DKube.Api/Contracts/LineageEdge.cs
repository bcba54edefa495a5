using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>The run <see cref="Run"/> read <see cref="From"/> and made <see cref="To"/>.</summary>
public sealed record LineageEdge(VersionId From, VersionId To, string Run);
