using System.Text.Json;
using DKube.Abstractions.Workloads;

namespace DKube.WebUi.Services;

/// <summary>What the UI shows of a run or IDE: from a listing's JSON or from a live event's view.</summary>
public sealed record RunRow(
    string Id, string Name, WorkloadType Type, string Kind, string Owner, string Group, WorkloadStatus Status,
    string? Reason, int? QueuePosition, int Gpus, int Attempt, DateTimeOffset CreatedAt)
{
    public string Link => Type == WorkloadType.Ide ? "ides" : $"runs/{Uri.EscapeDataString(Id)}";

    public static RunRow From(WorkloadView view) => new(view.Id, view.Name, view.Type, view.Kind, view.Owner, view.Group, view.Status,
        view.Reason, view.QueuePosition, view.Spec.TotalGpus, view.Attempt, view.CreatedAt);

    /// <summary>A workload as the API writes it (<c>GET /runs</c>, <c>GET /runs/{id}</c>, <c>GET /dashboard</c>'s recent).</summary>
    public static RunRow From(JsonElement json)
    {
        var spec = json.TryGetProperty("spec", out var s) ? s : default;
        var gpus = Int(spec, "gpus") ?? 0;
        var workers = Int(spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("distribution", out var d) ? d : default, "workers") ?? 0;
        return new RunRow(
            Text(json, "id") ?? "", Text(json, "name") ?? "",
            Enum.TryParse<WorkloadType>(Text(json, "type"), out var type) ? type : WorkloadType.Run,
            Text(json, "kind") ?? "", Text(json, "owner") ?? "", Text(json, "group") ?? "",
            Enum.TryParse<WorkloadStatus>(Text(json, "status"), out var status) ? status : WorkloadStatus.Queued,
            Text(json, "reason"), Int(json, "queuePosition"), gpus * (workers + 1), Int(json, "attempt") ?? 0,
            DateTimeOffset.TryParse(Text(json, "createdAt"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at) ? at : default);
    }

    /// <summary>
    /// Whether <paramref name="next"/> (an event) is newer than this row (read from the API). Events
    /// may arrive after a read that already saw their effect; within one attempt a workload only moves
    /// forward, so an event that would move it back is an old one.
    /// </summary>
    public bool IsSupersededBy(RunRow next) =>
        next.Attempt > Attempt || (next.Attempt == Attempt && Rank(next.Status) >= Rank(Status));

    private static int Rank(WorkloadStatus status) => status switch
    {
        WorkloadStatus.Queued => 0,
        WorkloadStatus.WaitingForGpus => 1,
        WorkloadStatus.Starting => 2,
        WorkloadStatus.Running => 3,
        WorkloadStatus.Stopping => 4,
        _ => 5,
    };

    internal static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
