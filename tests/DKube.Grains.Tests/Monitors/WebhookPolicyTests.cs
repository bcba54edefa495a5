using System.Net;
using System.Net.Sockets;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Grains.Monitors;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Monitors;

/// <summary>
/// Webhooks reach public addresses only, unless an operator allows a host or range: refused at
/// create (422 <c>webhook-not-allowed</c>, the fixture allowing 127.0.0.1 only) and at delivery on
/// the address connected to, so a name resolving to an internal address is refused when used.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class WebhookPolicyTests(GrainClusterFixture fixture)
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("2a00:1450::1", true)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("127.0.0.2", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("10.1.2.3", true, "10.1.0.0/16")]
    [InlineData("10.2.0.1", false, "10.1.0.0/16")]
    [InlineData("127.0.0.1", true, "127.0.0.1")]
    [InlineData("192.168.1.1", true, "hooks.internal")]
    public void Internal_addresses_are_refused_unless_allowed(string address, bool allowed, string? allow = null)
    {
        var policy = new WebhookPolicy(new MonitorOptions { WebhookAllowedHosts = allow is null ? [] : [allow] });

        Assert.Equal(allowed, policy.Allows("hooks.internal", IPAddress.Parse(address)));
    }

    [Fact]
    public async Task A_monitor_whose_webhook_is_internal_is_refused_at_create()
    {
        var world = await MonitorWorld.CreateAsync(fixture);

        foreach (var url in new[] { "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]:9/hook", "http://127.0.0.2:9/hook" })
        {
            var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
            var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(monitor, world.Spec(s => s with
            {
                Alerts = [new AlertSpec("a", MonitorKinds.Drift, [new AlertConditionSpec("drift_share", ">=", 0.5)], 1, url)],
            })));
            Assert.Equal(("webhook-not-allowed", ErrorKind.Unprocessable), (refused.Code, refused.Kind));
            Assert.Contains("alerts[0].webhook", refused.Errors!.Keys);
            Assert.Null(await monitor.Get());
        }
    }

    [Fact]
    public async Task Delivery_checks_the_address_it_connects_to_so_a_name_resolving_to_loopback_is_refused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var answered = AnswerOnceAsync(listener);

        // 'localhost' is no address the create check would have seen: it resolves when the POST connects.
        using var denied = Client(new WebhookPolicy(new MonitorOptions()));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => denied.PostAsync($"http://localhost:{port}/hook", new StringContent("{}")));
        Assert.Contains("internal addresses", refused.ToString(), StringComparison.Ordinal);
        Assert.False(answered.IsCompleted);

        using var allowed = Client(new WebhookPolicy(new MonitorOptions { WebhookAllowedHosts = ["127.0.0.0/8", "::1"] }));
        using var answer = await allowed.PostAsync($"http://localhost:{port}/hook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        await answered;
    }

    private static HttpClient Client(WebhookPolicy policy) =>
        new(new SocketsHttpHandler { ConnectCallback = policy.ConnectAsync, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task AnswerOnceAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var read = 0;
        while (!System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n{}", StringComparison.Ordinal))
        {
            read += await stream.ReadAsync(buffer.AsMemory(read));
        }

        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
    }
}
