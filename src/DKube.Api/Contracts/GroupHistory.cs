using DKube.Abstractions.Live;

namespace DKube.Api.Contracts;

public sealed record GroupHistory(string Group, IReadOnlyList<UtilizationPoint> Points);
