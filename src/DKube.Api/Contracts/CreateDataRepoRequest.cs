using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>POST /datasets, /featuresets, /models. <c>versioned</c> defaults to true; otherwise <c>location</c> (a folder or URL) is required.</summary>
public sealed record CreateDataRepoRequest(
    string? Name, string? Description, string? Project, string? Group, bool? Versioned, string? Location,
    IReadOnlyList<string>? Tags, string? FeatureSpec);
