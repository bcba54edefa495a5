using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// A transformer from a real git repository in front of a real sklearn predictor: the gateway
/// routes to the transformer, which rewrites the request, asks its predictor at
/// <c>DKUBE_PREDICTOR_URL</c> and rewrites the answer.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class TransformerTests(ServingFixture fixture)
{
    // Pre: the instances come as {"rows": [...]}; post: the labels become words.
    private const string Transformer = """
        import http.server, json, os, urllib.request
        predictor = os.environ["DKUBE_PREDICTOR_URL"]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                # The readiness probe asks {prefix}/: any answer below 500 says it serves.
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            def do_POST(self):
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                body = json.dumps({"instances": asked["rows"]}).encode()
                request = urllib.request.Request(predictor + self.path, body, {"Content-Type": "application/json"})
                with urllib.request.urlopen(request) as answer:
                    predictions = json.loads(answer.read())["predictions"]
                out = json.dumps({"labels": ["yes" if p == 1 else "no" for p in predictions], "via": "transformer"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
        http.server.ThreadingHTTPServer((os.environ["DKUBE_BIND_ADDRESS"], int(os.environ["PORT"])), Handler).serve_forever()
        """;

    [Fact]
    public async Task The_gateway_routes_to_the_transformer_which_pre_and_post_processes_around_its_predictor()
    {
        using var alice = await fixture.NewTenantAsync();
        using var git = new LocalGit();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        var commit = git.CommitAndPush("transformer.py", Transformer);
        (await alice.Client.Post("code", new { name = "pre-post", url = git.Url, branch = "main" })).Expect(HttpStatusCode.Created);
        await ServingFixture.TrainModelAsync(alice, "labels");

        // Bad input first: no script, no code.
        (await alice.Client.Post("deployments", new { name = "t", model = new { name = "labels" }, transformer = new { code = new { repo = "pre-post" } } }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post("deployments", new { name = "t", model = new { name = "labels" }, transformer = new { script = "x" } }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        var created = (await alice.Client.Post("deployments", new
        {
            name = "t", model = new { name = "labels" },
            transformer = new { code = new { repo = "pre-post" }, script = "exec /usr/bin/python3 transformer.py" },
        })).Expect(HttpStatusCode.Created).Json;
        var id = created["id"]!.ToString();
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);

        var (status, body, _) = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, $"/serve/{id}/v1/models/t:predict", """{"rows": [[1, 1], [0, 0]]}""");
        var replica = (await alice.Client.Get($"deployments/{id}")).Json["replicaList"]![0]!;
        var transformerRun = (await alice.Client.Get($"runs/{replica["transformerId"]}")).Expect(HttpStatusCode.OK).Json;

        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(["yes", "no"], JsonNode.Parse(body)!["labels"]!.AsArray().Select(l => l!.ToString()));
        Assert.Equal("transformer", JsonNode.Parse(body)!["via"]!.ToString());
        Assert.Equal(commit, created["spec"]!["transformer"]!["code"]!["commit"]!.ToString());
        Assert.Equal(commit, transformerRun["spec"]!["code"]!["commit"]!.ToString());
        Assert.Equal(id, transformerRun["parent"]!["id"]!.ToString());
        Assert.NotEqual(replica["url"]!.ToString(), replica["predictorUrl"]!.ToString());
        // Stopping the deployment stops both halves.
        (await alice.Client.Post($"deployments/{id}/stop")).Expect(HttpStatusCode.OK);
        await Eventually.Until(() => alice.Client.Get($"runs/{replica["transformerId"]}"), r => r["status"] == "Stopped", what: "transformer stopped");
        await Eventually.Until(() => alice.Client.Get($"runs/{replica["workloadId"]}"), r => r["status"] == "Stopped", what: "predictor stopped");
    }
}
