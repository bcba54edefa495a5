using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Integration.Tests.Kubernetes;

/// <summary>Registers the protocol-true fake API server as a <c>kubernetes</c> cluster, the way an operator does.</summary>
internal static class FakeClusterRegistration
{
    /// <summary>
    /// POST /clusters for <paramref name="api"/>, its volume claim seen by the silo at
    /// <paramref name="staging"/>; returns the cluster's unique name (starting with <paramref name="prefix"/>).
    /// </summary>
    public static async Task<string> RegisterKubernetesAsync(this ServerFixture server, FakeApiServer api, string staging, string prefix)
    {
        using var op = server.Operator;
        var cluster = server.UniqueName(prefix);
        (await op.Post("clusters", new
        {
            name = cluster, kind = "kubernetes", kubeconfig = api.Kubeconfig, @namespace = FakeApiServer.Namespace,
            volumeClaim = "dkube-runs", stagingPath = staging,
        })).Expect(HttpStatusCode.Created);
        return cluster;
    }
}
