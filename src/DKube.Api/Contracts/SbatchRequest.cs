using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

/// <summary>The extra sbatch options a run may set (an allow-list: nothing that changes who or where it runs as).</summary>
public sealed record SbatchRequest(string? Constraint, string? Reservation, int? Nice, string? Wckey, bool? Requeue);
