namespace DKube.Kubernetes.Tests.Fake;

/// <summary>A request the fake API server received, for tests that pin what the executor asked for.</summary>
internal sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string? Body)
{
    public bool IsWatch => Query.TryGetValue("watch", out var w) && w is "true" or "1";

    public string? ResourceVersion => Query.TryGetValue("resourceVersion", out var v) ? v : null;
}
