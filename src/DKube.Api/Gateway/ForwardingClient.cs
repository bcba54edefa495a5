using System.Net;

namespace DKube.Api.Gateway;

/// <summary>
/// The connection pool the gateway forwards through (to model replicas and to IDE servers): no
/// proxy, no redirects, no cookies, bodies passed as they are, and no trace headers of its own
/// (YARP propagates the caller's).
/// </summary>
public static class ForwardingClient
{
    public static HttpMessageInvoker Create(TimeSpan connectTimeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
        ConnectTimeout = connectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });
}
