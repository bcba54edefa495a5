namespace DKube.Kubernetes.Tests.Fake;

/// <summary>How one resource is named on the wire (for Status objects and list bodies).</summary>
internal sealed record FakeResource(string Plural, string Group, string ApiVersion, string Kind)
{
    public static readonly FakeResource Jobs = new("jobs", "batch", "batch/v1", "Job");
    public static readonly FakeResource Pods = new("pods", "", "v1", "Pod");
    public static readonly FakeResource Services = new("services", "", "v1", "Service");
    public static readonly FakeResource Nodes = new("nodes", "", "v1", "Node");

    /// <summary>As in the API server's messages: <c>jobs.batch "x" not found</c>.</summary>
    public string Qualified => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
