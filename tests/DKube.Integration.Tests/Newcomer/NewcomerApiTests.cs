using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DKube.Abstractions.Workloads;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Newcomer;

/// <summary>
/// What a newcomer's first requests meet through real HTTP on a real server: text the database
/// cannot store is a 400 naming the field (never a 503), hyperparameters keep their JSON types,
/// the admission histogram has bounds in seconds, and the API reference is browsable.
/// </summary>
public sealed class NewcomerApiTests(LabFixture lab) : IClassFixture<LabFixture>
{
    public static TheoryData<string, string, string, string> UnstorableBodies => new()
    {
        // caller, path, raw JSON body (escapes as a client sends them), field the 400 names
        { "operator", "users", """{"name":"a\u0000b"}""", "name" },
        { "operator", "groups", """{"name":"gx","gpus":1,"clusters":["lab","la\u0000b"]}""", "clusters[1]" },
        { "operator", "clusters", """{"name":"cx","kind":"local","nodes":[{"name":"n1","gpus":1},{"name":"n\u0000","gpus":1}]}""", "nodes[1].name" },
        { "tenant", "projects", """{"name":"px","description":"half a pair \ud83d"}""", "description" },
        { "tenant", "runs", """{"name":"rx","kind":"training","command":"echo \u0000","gpus":0}""", "command" },
        { "tenant", "runs", """{"name":"rx","kind":"training","command":"true","gpus":0,"hyperparameters":{"opt":"ad\u0000am"}}""", "hyperparameters.opt" },
        { "tenant", "runs", """{"name":"rx","kind":"training","command":"true","gpus":0,"hyperparameters":{"o\u0000pt":"adam"}}""", "hyperparameters.o\uFFFDpt" },
        { "tenant", "ides", """{"name":"ix","gpus":0,"command":"\udc00 lone low half"}""", "command" },
        { "tenant", "datasets", """{"name":"dx","tags":["ok","t\u0000"]}""", "tags[1]" },
        { "tenant", "templates", """{"name":"tx","kind":"training","command":"true","gpus":0,"description":"\u0000"}""", "description" },
    };

    [Theory]
    [MemberData(nameof(UnstorableBodies))]
    public async Task Unstorable_text_in_a_body_is_a_400_naming_the_field(string caller, string path, string body, string field)
    {
        using var tenant = await lab.NewTenantAsync();
        using var client = caller == "operator" ? lab.Server.Operator : tenant.Client;
        var reply = (await client.SendRaw(HttpMethod.Post, path, body)).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal("https://dkube.io/problems/validation", reply["type"]);
        Assert.True(reply.Json["errors"]![field] is not null, reply.Text);
    }

    [Fact]
    public async Task Unstorable_text_in_a_patch_or_a_query_string_is_a_400_too()
    {
        using var tenant = await lab.NewTenantAsync();
        var project = (await tenant.Client.Post("projects", new { name = "p" })).Expect(HttpStatusCode.Created)["id"];
        var patch = (await tenant.Client.SendRaw(HttpMethod.Patch, $"projects/{project}", """{"description":"a\u0000"}""")).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(patch.Json["errors"]!["description"]);
        var query = (await tenant.Client.Get("runs?project=a%00b")).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(query.Json["errors"]!["project"]);
        // Text the database can store, a surrogate pair included, still goes through untouched.
        var stored = (await tenant.Client.SendRaw(HttpMethod.Patch, $"projects/{project}", """{"description":"smile \ud83d\ude00"}""")).Expect(HttpStatusCode.OK);
        Assert.Equal("smile \U0001F600", (await tenant.Client.Get($"projects/{project}")).Expect(HttpStatusCode.OK)["description"]);
        Assert.Equal("smile \U0001F600", stored["description"]);
    }

    [Fact]
    public async Task Hyperparameters_keep_their_json_types_in_answers_clones_and_the_runs_file_while_env_vars_are_text()
    {
        using var tenant = await lab.NewTenantAsync();
        var hyperparameters = new Dictionary<string, object> { ["lr"] = 0.01, ["epochs"] = 3, ["nesterov"] = true, ["opt"] = "adam", ["s"] = "0.5" };
        var run = (await tenant.Submit("typed", 1, "cat \"$DKUBE_HYPERPARAMETERS_FILE\"; echo; echo \"LR=$LR EPOCHS=$EPOCHS NESTEROV=$NESTEROV OPT=$OPT S=$S\"",
            new { hyperparameters })).Expect(HttpStatusCode.Created);
        AssertTyped(run.Json["spec"]!["hyperparameters"]!);
        var id = run["id"];
        await tenant.WaitForStatus(id, "Complete");
        AssertTyped((await tenant.Client.Get($"runs/{id}")).Json["spec"]!["hyperparameters"]!);

        var log = (await tenant.Client.Get($"runs/{id}/logs")).Text.Split('\n');
        AssertTyped(JsonNode.Parse(log[0])!);
        Assert.Equal("LR=0.01 EPOCHS=3 NESTEROV=true OPT=adam S=0.5", log[1]);

        var clone = (await tenant.Client.Post("runs", new { name = "typed-clone", cloneFrom = id })).Expect(HttpStatusCode.Created);
        AssertTyped(clone.Json["spec"]!["hyperparameters"]!);
    }

    [Fact]
    public void A_spec_stored_before_types_were_kept_still_loads_and_answers_its_values_as_strings()
    {
        var spec = new WorkloadSpec("old", "training", "g", null, null, null, "true", [], null,
            new Dictionary<string, string> { ["lr"] = "0.01", ["opt"] = "adam" }, 0, false, null, null, [], TimeSpan.FromHours(1),
            new Dictionary<string, string>(), """{"lr":0.01,"opt":"adam"}""");
        // Stored state is JSON; a record written by the previous version has no HyperparametersJson.
        var stored = JsonSerializer.SerializeToNode(spec)!.AsObject();
        Assert.True(stored.Remove(nameof(WorkloadSpec.HyperparametersJson)));
        var loaded = JsonSerializer.Deserialize<WorkloadSpec>(stored.ToJsonString())!;
        Assert.Null(loaded.HyperparametersJson);
        Assert.Equal("""{"lr":"0.01","opt":"adam"}""", HyperparameterValues.TypedJson(loaded));
        Assert.Equal("""{"lr":0.01,"opt":"adam"}""", HyperparameterValues.TypedJson(spec));

        // Text replaced without the JSON (a derived spec): the JSON lends no stale value.
        var changed = spec with { Hyperparameters = new Dictionary<string, string> { ["lr"] = "0.1", ["opt"] = "adam" } };
        Assert.Equal("""{"lr":"0.1","opt":"adam"}""", HyperparameterValues.TypedJson(changed));
    }

    [Fact]
    public async Task Admission_wait_histogram_has_bucket_bounds_in_seconds()
    {
        using var tenant = await lab.NewTenantAsync();
        var id = (await tenant.Submit("admitted", 1, "true")).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(id, "Complete");
        using var http = new HttpClient { BaseAddress = lab.Server.Server.Url };
        var buckets = await Eventually.Until(
            async () => (await http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("dkube_admission_wait_seconds_bucket", StringComparison.Ordinal)).ToList(),
            lines => lines.Count > 0, what: "the admission histogram");
        var bounds = buckets.Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..]).Select(l => l[..l.IndexOf('"', StringComparison.Ordinal)]).Distinct().ToList();
        Assert.Contains("0.005", bounds);
        Assert.Contains("0.5", bounds);
        Assert.Contains("3600", bounds);
        Assert.Contains("86400", bounds);
        Assert.DoesNotContain("7500", bounds);
    }

    [Fact]
    public async Task The_api_reference_is_served_as_html_next_to_the_openapi_document()
    {
        using var http = new HttpClient { BaseAddress = lab.Server.Server.Url };
        using var page = await http.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        var script = html.Split('"').FirstOrDefault(s => s.EndsWith(".js", StringComparison.Ordinal) && s.Contains("scalar", StringComparison.OrdinalIgnoreCase));
        Assert.NotNull(script);
        using var asset = await http.GetAsync(new Uri(page.RequestMessage!.RequestUri!, script));
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        (await http.GetAsync("/openapi/v1.json")).EnsureSuccessStatusCode();
    }

    private static void AssertTyped(JsonNode hyperparameters)
    {
        Assert.Equal(JsonValueKind.Number, hyperparameters["lr"]!.GetValueKind());
        Assert.Equal(0.01, hyperparameters["lr"]!.GetValue<double>());
        Assert.Equal(3, hyperparameters["epochs"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.True, hyperparameters["nesterov"]!.GetValueKind());
        Assert.Equal("adam", hyperparameters["opt"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, hyperparameters["s"]!.GetValueKind());
        Assert.Equal("0.5", hyperparameters["s"]!.GetValue<string>());
    }
}
