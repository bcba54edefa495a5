using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// A <c>custom</c> runtime with its own <c>port</c> and <c>prefix</c>, as DKube has them: a real
/// server that listens on the port the deployment names (it never reads <c>PORT</c>) and serves
/// its routes under the prefix, reached through the gateway at <c>/serve/{id}/...</c>.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class CustomRuntimeTests(ServingFixture fixture)
{
    // Answers every GET with the path it was asked and the port it listens on; the port is its
    // first argument, so only a replica started on the deployment's port is ever reached.
    private const string EchoServer = """
        exec /usr/bin/python3 -c '
        import http.server, json, sys
        port = int(sys.argv[1])
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"path": self.path, "port": port}).encode()
                self.send_response(200 if self.path.startswith("/api/v9/") else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        ' PORT_NUMBER
        """;

    [Fact]
    public async Task A_custom_server_on_the_port_it_names_serves_its_routes_under_the_prefix_through_the_gateway()
    {
        using var alice = await fixture.NewTenantAsync();
        await ServingFixture.TrainModelAsync(alice, "echo");
        var port = FreePorts.Next();
        var command = EchoServer.Replace("PORT_NUMBER", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Bad input first: a port that is no TCP port.
        (await alice.Client.Post("deployments", new { name = "echo", model = new { name = "echo" }, serving = new { runtime = "custom", command, port = 70000 } }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        var created = (await alice.Client.Post("deployments", new
        {
            name = "echo", model = new { name = "echo" }, maxReplicas = 1, serving = new { runtime = "custom", command, port, prefix = "/api/v9" },
        })).Expect(HttpStatusCode.Created).Json;
        var id = created["id"]!.ToString();
        Assert.Equal(port, created["spec"]!["serving"]!["port"]!.GetValue<int>());
        Assert.Equal("/api/v9", created["spec"]!["serving"]!["prefix"]!.ToString());
        var running = await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);

        // The replica is reached where it listens, and the gateway puts the prefix before the path.
        Assert.Equal(new Uri($"http://127.0.0.1:{port}"), new Uri(running.Json["replicaList"]![0]!["url"]!.ToString()));
        var answer = (await alice.Client.Get($"/serve/{id}/v1/models/echo?x=1")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("/api/v9/v1/models/echo?x=1", answer["path"]!.ToString());
        Assert.Equal(port, answer["port"]!.GetValue<int>());
        (await alice.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
    }
}
