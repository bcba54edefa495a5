namespace DKube.Abstractions.Live;

/// <summary>The topics of the live feed (<c>GET /feeds/events?topics=</c>); the SSE <c>event:</c> line is the topic.</summary>
public static class LiveTopics
{
    public const string Workloads = "workloads";
    public const string Pools = "pools";
    public const string Utilization = "utilization";
    public const string Deployments = "deployments";
    public const string Monitors = "monitors";
    public const string Studies = "studies";
    public const string Pipelines = "pipelines";

    /// <summary>Every topic a subscriber may name; a feed without <c>topics</c> gets them all.</summary>
    public static readonly IReadOnlyList<string> All = [Workloads, Pools, Utilization, Deployments, Monitors, Studies, Pipelines];
}
