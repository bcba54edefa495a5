using System.Net;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace DKube.Api.Ides;

/// <summary>
/// Forwards a request (HTTP or a WebSocket upgrade) unchanged in path and query to a server in a
/// workload (an IDE, a TensorBoard) through YARP's <see cref="IHttpForwarder"/>, with one
/// connection pool for the process. The caller's DKube credentials never reach the workload's
/// server: it is untrusted code, and the gateway has authenticated the request already.
/// </summary>
public sealed class GatewayForwarder(IHttpForwarder forwarder) : IDisposable
{
    /// <summary>The cookie that carries a browser's token to the gateway (set by <c>GET /api/v1/ides/{id}/open</c>).</summary>
    public const string TokenCookie = "dkube_token";

    /// <summary>The cookies that are DKube credentials (the gateway's and the web UI's): a workload's server may never set them.</summary>
    public static readonly string[] DKubeCookies = [TokenCookie, UiCookie];

    /// <summary>The web UI's sign-in cookie (path <c>/ui</c>): never a credential here, never forwarded.</summary>
    public const string UiCookie = "dkube_ui";

    // A kernel's WebSocket may stay quiet for long stretches while a cell computes.
    private static readonly ForwarderRequestConfig Config = new() { ActivityTimeout = TimeSpan.FromHours(1) };

    private readonly HttpMessageInvoker client = Gateway.ForwardingClient.Create(connectTimeout: TimeSpan.FromSeconds(10));

    private readonly HttpTransformer transformer = new WithoutCredentials();

    /// <summary>Forwards to <paramref name="endpoint"/> (<c>http://host:port</c>); 503 <c>not-ready</c> while nothing answers there.</summary>
    public async Task ForwardAsync(HttpContext http, string endpoint, string what)
    {
        // The server behind decides what it accepts (a notebook saved with its images is large); the
        // API's 1 MiB limit is for JSON bodies, and this request is authenticated already.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        // The server's own answers (its 404 pages included) pass as they are.
        if (http.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        var error = await forwarder.SendAsync(http, endpoint, client, Config, transformer);
        if (error != ForwarderError.None && !http.Response.HasStarted)
        {
            http.Response.Headers.RetryAfter = "2";
            await ProblemResults.Result(StatusCodes.Status503ServiceUnavailable, "not-ready",
                $"The server of {what} does not answer (yet): {error}. It may still be starting; try again.").ExecuteAsync(http);
        }
    }

    public void Dispose() => client.Dispose();

    /// <summary>The default transform (path and query as they came), minus DKube's credentials, with the browser's Host.</summary>
    private sealed class WithoutCredentials : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove("Authorization");
            if (httpContext.Request.Headers.Cookie.Count > 0)
            {
                proxyRequest.Headers.Remove("Cookie");
                var kept = httpContext.Request.Headers.Cookie.SelectMany(h => (h ?? "").Split(';'))
                    .Select(c => c.Trim())
                    .Where(c => c.Length > 0 && !DKubeCookies.Any(n => c.StartsWith(n + "=", StringComparison.Ordinal)))
                    .ToList();
                if (kept.Count > 0)
                {
                    proxyRequest.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", kept));
                }
            }

            // Servers that check a WebSocket's Origin against Host (Jupyter does) see the browser's
            // own pair; the default would put the upstream address there.
            proxyRequest.Headers.Host = httpContext.Request.Host.Value;
        }

        /// <summary>
        /// The server's answer as it came, minus what would let its (untrusted, same-origin) pages reach
        /// beyond its own paths: a cookie named like a DKube credential (it would overwrite or plant the
        /// browser's sign-in), a service worker scope wider than its path, and an opener policy that would
        /// put the web UI's windows in its browsing context group.
        /// </summary>
        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var copied = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            var headers = httpContext.Response.Headers;
            headers.Remove("Service-Worker-Allowed");
            headers.Remove("Cross-Origin-Opener-Policy");
            if (headers.SetCookie.Count > 0)
            {
                var kept = headers.SetCookie.Where(c => c is not null && !DKubeCookies.Any(n => c.TrimStart().StartsWith(n + "=", StringComparison.OrdinalIgnoreCase))).ToArray();
                headers.SetCookie = kept;
            }

            return copied;
        }
    }
}
