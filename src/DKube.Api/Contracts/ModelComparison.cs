using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>GET /models/{id}/compare: versions side by side, with one row per hyperparameter and metric.</summary>
public sealed record ModelComparison(
    string Model,
    IReadOnlyList<VersionView> Versions,
    IReadOnlyDictionary<string, IReadOnlyList<string?>> Hyperparameters,
    IReadOnlyDictionary<string, IReadOnlyList<double?>> Metrics);
