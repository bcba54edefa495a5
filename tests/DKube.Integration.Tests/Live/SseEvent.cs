using System.Text.Json.Nodes;

namespace DKube.Integration.Tests.Live;

/// <summary>One event of the stream as a client parsed it.</summary>
public sealed record SseEvent(string? Id, string Event, string Data)
{
    public JsonNode Json => JsonNode.Parse(Data)!;

    /// <summary>For a workload event: its id and status.</summary>
    public (string Id, string Status) Workload => (Json["id"]!.ToString(), Json["status"]!.ToString());
}
