using System.Text.Json.Nodes;

namespace DKube.Kubernetes.Tests.Fake;

/// <summary>One change the fake API server records for its watchers, as the real one keeps in etcd's history.</summary>
internal sealed record FakeEvent(long Version, string Resource, string Type, JsonObject Object);
