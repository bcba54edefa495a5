using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace DKube.WebUi;

/// <summary>
/// Serves the UI's scripts and styles from the copies embedded at build time (each resource's name is
/// its path under <c>/ui</c>): Blazor's own script, Fluent UI's web components and component scripts
/// (<c>_content/Microsoft.FluentUI.AspNetCore.Components/...</c>, from the restored package) and the
/// UI's start script. The same in a build, a test host and a publish, without the static web assets
/// manifests that only an ASP.NET host project's own build has. Each answer has an ETag, so a browser
/// revalidates cheaply and never runs a stale copy after an upgrade.
/// </summary>
public static class WebUiAssets
{
    /// <summary>The UI's start script (Assets/ui.js), under <c>/ui</c>.</summary>
    public const string StartScript = "/ui.js";

    private static readonly Lazy<FrozenDictionary<string, (byte[] Bytes, EntityTagHeaderValue Tag, string ContentType)>> Assets = new(() =>
    {
        var assembly = typeof(WebUiAssets).Assembly;
        var assets = new Dictionary<string, (byte[], EntityTagHeaderValue, string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var contentType = System.IO.Path.GetExtension(name) switch
            {
                ".js" => "text/javascript",
                ".css" => "text/css",
                _ => null,
            };
            if (contentType is null)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            assets[name] = (bytes, new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\""), contentType);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    });

    public static void MapWebUiAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_framework/blazor.web.js", (HttpContext http) => Serve(http, "_framework/blazor.web.js")).ExcludeFromDescription();
        app.MapGet(StartScript, (HttpContext http) => Serve(http, "ui.js")).ExcludeFromDescription();
        app.MapGet("/_content/{**path}", (HttpContext http, string path) => Serve(http, "_content/" + path)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, string name)
    {
        if (!Assets.Value.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Bytes(asset.Bytes, asset.ContentType, entityTag: asset.Tag);
    }
}
