using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DKube.WebUi.Services;

/// <summary>
/// Where the UI reaches the REST API: this very process, on loopback at the first address it
/// listens on (a wildcard address becomes loopback), over one connection pool for every circuit.
/// </summary>
public sealed class UiBackend(IServer server) : IDisposable
{
    private readonly Lazy<Uri> _baseAddress = new(() => Loopback(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []));

    public HttpMessageHandler Handler { get; } = new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // Loopback to ourselves: no proxy from the environment may stand between.
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    public Uri BaseAddress => _baseAddress.Value;

    internal static Uri Loopback(IEnumerable<string> addresses)
    {
        var list = addresses.ToList();
        var chosen = list.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? list.FirstOrDefault()
            ?? throw new InvalidOperationException("The server listens on no address the UI could call.");
        var uri = new UriBuilder(chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        uri.Host = uri.Host switch
        {
            "0.0.0.0" or "localhost" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            var host => host,
        };
        uri.Path = "/";
        return uri.Uri;
    }

    public void Dispose() => Handler.Dispose();
}
