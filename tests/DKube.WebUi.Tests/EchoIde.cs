using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.WebUi.Tests;

/// <summary>
/// An IDE whose server (Python's standard library, as the IDE's command) answers every GET under its
/// base URL with the request headers it received, and tries what a hostile IDE server would: plant
/// DKube's cookies, widen a service worker's scope, share the UI's browsing context group.
/// </summary>
public static class EchoIde
{
    private const string Server = """
        import http.server, os, html
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = ("<html><body><pre id=headers>" + html.escape(str(self.headers)) + "</pre></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Set-Cookie", "dkube_ui=planted; Path=/ui; HttpOnly")
                self.send_header("Set-Cookie", "dkube_token=planted; Path=/ides/")
                self.send_header("Set-Cookie", "ide_own=kept; Path=/ides/")
                self.send_header("Service-Worker-Allowed", "/")
                self.send_header("Cross-Origin-Opener-Policy", "same-origin")
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.HTTPServer((os.environ["DKUBE_BIND_ADDRESS"], int(os.environ["PORT"])), H).serve_forever()
        """;

    /// <summary>Starts one for <paramref name="tenant"/> and waits until the gateway has an endpoint for it; its id.</summary>
    public static async Task<string> StartAsync(Tenant tenant)
    {
        var command = "exec /usr/bin/python3 -c '" + Server + "'";
        var id = (await tenant.Client.Post("ides", new { name = "echo", gpus = 0, command })).Expect(HttpStatusCode.Created)["id"];
        await Eventually.Until(() => tenant.Client.Get($"ides/{id}"), r => r.Json["endpoint"] is not null, what: $"{id} to run");
        return id;
    }
}
