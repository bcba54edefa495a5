using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace DKube.WebUi;

/// <summary>
/// Serves Blazor's own script at <c>/_framework/blazor.web.js</c> from the copy embedded at build
/// time, with an ETag so a browser revalidates it cheaply and never runs a stale one after an upgrade.
/// </summary>
public static class WebUiScript
{
    public const string Path = "/_framework/blazor.web.js";

    private static readonly Lazy<(byte[] Bytes, EntityTagHeaderValue Tag)> Script = new(() =>
    {
        using var stream = typeof(WebUiScript).Assembly.GetManifestResourceStream("blazor.web.js")
            ?? throw new InvalidOperationException("blazor.web.js was not embedded at build time.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\""));
    });

    public static IEndpointConventionBuilder MapWebUiScript(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Bytes(Script.Value.Bytes, "text/javascript", entityTag: Script.Value.Tag);
        }).ExcludeFromDescription();
}
