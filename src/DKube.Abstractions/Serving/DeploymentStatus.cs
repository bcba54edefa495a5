namespace DKube.Abstractions.Serving;

/// <summary>The status words of API.md's Serving section.</summary>
public enum DeploymentStatus
{
    Queued,
    Starting,
    Running,

    /// <summary>Changing its model: new replicas start while the old ones still serve.</summary>
    Updating,
    Stopped,

    /// <summary>Its runtime never became ready (the reason carries its log).</summary>
    Error,

    /// <summary>Served elsewhere; registered here to be monitored.</summary>
    Imported,
}
