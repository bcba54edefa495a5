using Microsoft.AspNetCore.Http;

namespace DKube.WebUi;

/// <summary>
/// What every answer under <c>/ui</c> carries, and which requests for a page it refuses, so that the
/// other paths of the origin (an IDE's pages are user code served by the gateway) cannot read the
/// UI's pages with the signed-in browser: no framing, a browsing context group of its own (an IDE's
/// page that opens the UI gets no handle on its window; the gateway strips an IDE's own opener
/// policy), and a page only as a top-level navigation where the browser says so (fetch metadata,
/// sent on https and loopback), never as a script's fetch, which would read the circuit's descriptor.
/// </summary>
public static class UiResponseGuard
{
    public static Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var headers = http.Response.Headers;
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Referrer-Policy"] = "same-origin";
        headers.XContentTypeOptions = "nosniff";
        if (IsScriptReadingAPage(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        return next(http);
    }

    /// <summary>A GET of a page (not the hub, not a script or style sheet) that the browser says is not a navigation.</summary>
    private static bool IsScriptReadingAPage(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        var rest = request.Path.Value![DKubeWebUi.BasePath.Length..];
        if (rest.StartsWith("/_blazor", StringComparison.Ordinal) || rest.StartsWith("/_framework/", StringComparison.Ordinal) || rest.StartsWith("/_content/", StringComparison.Ordinal)
            || rest == WebUiAssets.StartScript)
        {
            return false;
        }

        var dest = request.Headers["Sec-Fetch-Dest"].ToString();
        return dest.Length > 0 && dest != "document";
    }
}
