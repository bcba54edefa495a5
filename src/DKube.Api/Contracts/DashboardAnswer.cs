using System.Text.Json;
using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary><c>GET /dashboard</c>: per kind (<c>runs</c>, <c>ides</c>) the count in each status, the workloads changed last, and each visible pool with its queue.</summary>
public sealed record DashboardAnswer(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Counts,
    IReadOnlyList<JsonElement> Recent,
    IReadOnlyList<PoolView> Pools);
