using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace DKube.Api.Gateway;

/// <summary>
/// Rewrites <c>/serve/{id}/{path}</c> to the replica's <c>{prefix}/{path}</c> (query kept), passes
/// the request id on, and keeps the caller's DKube token away from the model server.
/// </summary>
public sealed class ReplicaTransformer(string prefix, string? path, string requestId) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.Headers.Remove("Authorization");
        proxyRequest.Headers.Remove(GatewayEndpoints.RequestIdHeader);
        proxyRequest.Headers.TryAddWithoutValidation(GatewayEndpoints.RequestIdHeader, requestId);
        var target = PathString.FromUriComponent(prefix + "/" + (path ?? ""));
        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, target, httpContext.Request.QueryString);
        // The replica is addressed by its own host, not the gateway's.
        proxyRequest.Headers.Host = null;
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copied = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        // Ours is the id the caller keys ground truth on, whatever the model server said.
        httpContext.Response.Headers[GatewayEndpoints.RequestIdHeader] = requestId;
        return copied;
    }
}
