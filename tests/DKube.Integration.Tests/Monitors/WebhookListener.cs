using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DKube.Integration.Tests.Monitors;

/// <summary>A real webhook receiver: Kestrel on a loopback port, each POSTed JSON body kept in arrival order.</summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<JsonNode> _received = Channel.CreateUnbounded<JsonNode>();

    private WebhookListener(WebApplication app) => _app = app;

    public string Url => new Uri(new Uri(_app.Urls.First()), "/hooks/alerts").ToString();

    public static async Task<WebhookListener> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var listener = new WebhookListener(builder.Build());
        listener._app.MapPost("/hooks/alerts", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            await listener._received.Writer.WriteAsync(body!);
            return Results.NoContent();
        });
        await listener._app.StartAsync();
        return listener;
    }

    /// <summary>The next body received, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<JsonNode> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
