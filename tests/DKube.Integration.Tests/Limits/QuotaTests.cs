using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Limits;

/// <summary>Object quotas over real HTTP: queued runs per user and per group, deployments per group (422 naming the quota, limit and use), set by the operator at once, shown by GET /me.</summary>
public sealed class QuotaTests(LabFixture lab) : IClassFixture<LabFixture>
{
    private static JsonNode QuotaOf(JsonNode me, string group, string quota) =>
        me["quotas"]!.AsArray().Single(q => q!["group"]!.ToString() == group && q["quota"]!.ToString() == quota)!;

    [Fact]
    public async Task Queued_runs_beyond_the_users_quota_are_422_naming_the_quota_its_limit_and_use()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 1);
        using var op = lab.Server.Operator;
        (await op.Put($"groups/{tenant.Group}/limits", new { queuedPerUser = 2 })).Expect(HttpStatusCode.OK);
        (await tenant.Submit("holds", 1)).Expect(HttpStatusCode.Created);
        (await tenant.Submit("waits-1", 1)).Expect(HttpStatusCode.Created);
        (await tenant.Submit("waits-2", 1)).Expect(HttpStatusCode.Created);

        var refusal = (await tenant.Submit("waits-3", 1)).ExpectProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("https://dkube.io/problems/quota-exceeded", refusal["type"]);
        Assert.Equal("queued-per-user", refusal["quota"]);
        Assert.Equal(tenant.Group, refusal["group"]);
        Assert.Equal("2", refusal["limit"]);
        Assert.Equal("2", refusal["use"]);
        // Refused means not stored: the listing has the three accepted runs only.
        Assert.Equal(3, (await tenant.Client.Get("runs?scope=mine")).Expect(HttpStatusCode.OK).Items.Count);

        var me = (await tenant.Client.Get("me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(2, QuotaOf(me, tenant.Group, "queued-per-user")["limit"]!.GetValue<int>());
        Assert.Equal(2, QuotaOf(me, tenant.Group, "queued-per-user")["use"]!.GetValue<int>());
        Assert.Equal(2, QuotaOf(me, tenant.Group, "queued-per-group")["use"]!.GetValue<int>());
        Assert.Equal(100, QuotaOf(me, tenant.Group, "deployments")["limit"]!.GetValue<int>());
        Assert.Equal(100, QuotaOf(me, tenant.Group, "monitors")["limit"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_quota_the_operator_raises_or_lowers_applies_to_the_next_submission()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 1);
        using var op = lab.Server.Operator;
        (await tenant.Submit("holds", 1)).Expect(HttpStatusCode.Created);
        (await tenant.Submit("waits-1", 1)).Expect(HttpStatusCode.Created);

        (await op.Put($"groups/{tenant.Group}/limits", new { queuedPerUser = 1 })).Expect(HttpStatusCode.OK);
        (await tenant.Submit("waits-2", 1)).ExpectProblem(HttpStatusCode.UnprocessableEntity);

        (await op.Put($"groups/{tenant.Group}/limits", new { queuedPerUser = 2 })).Expect(HttpStatusCode.OK);
        (await tenant.Submit("waits-2", 1)).Expect(HttpStatusCode.Created);
        Assert.Equal(2, (await op.Get($"groups/{tenant.Group}")).Expect(HttpStatusCode.OK).Json["limits"]!["queuedPerUser"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_group_quota_bounds_all_members_while_each_member_keeps_their_own()
    {
        using var first = await lab.NewTenantAsync(gpus: 1);
        using var op = lab.Server.Operator;
        var second = lab.Server.UniqueName("u");
        var token = (await op.Post("users", new { name = second })).Expect(HttpStatusCode.Created)["token"];
        (await op.Put($"groups/{first.Group}/members/{second}")).Expect(HttpStatusCode.OK);
        using var other = new Tenant(first.Group, second, new ApiClient(lab.Server.Server.Url, token));
        (await op.Put($"groups/{first.Group}/limits", new { queuedPerUser = 1, queuedPerGroup = 2 })).Expect(HttpStatusCode.OK);
        (await first.Submit("holds", 1)).Expect(HttpStatusCode.Created);
        (await first.Submit("waits", 1)).Expect(HttpStatusCode.Created);

        // The first member is at their own quota; the second may still queue one.
        Assert.Equal("queued-per-user", (await first.Submit("more", 1)).ExpectProblem(HttpStatusCode.UnprocessableEntity)["quota"]);
        (await other.Submit("waits", 1)).Expect(HttpStatusCode.Created);

        // Now the group's queue is full for everyone.
        (await op.Put($"groups/{first.Group}/limits", new { queuedPerUser = 5, queuedPerGroup = 2 })).Expect(HttpStatusCode.OK);
        var refusal = (await other.Submit("more", 1)).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("queued-per-group", refusal["quota"]);
        Assert.Equal("2", refusal["use"]);

        // A run that starts at once never counts against a queue quota.
        (await other.Submit("no-gpus", 0, command: "true")).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Invalid_quotas_are_400_and_only_the_operator_sets_them()
    {
        using var tenant = await lab.NewTenantAsync();
        using var op = lab.Server.Operator;

        (await op.Put($"groups/{tenant.Group}/limits", new { queuedPerUser = -1 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await op.Put($"groups/{tenant.Group}/limits", new { deployments = 2_000_000 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await tenant.Client.Put($"groups/{tenant.Group}/limits", new { queuedPerUser = 100 })).ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Deployments_beyond_the_groups_quota_are_422_counted_exactly_and_shown_in_me()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 1);
        using var op = lab.Server.Operator;
        (await op.Put($"groups/{tenant.Group}/limits", new { deployments = 2 })).Expect(HttpStatusCode.OK);
        var model = (await tenant.Client.Post("models", new { name = "quota-model" })).Expect(HttpStatusCode.Created)["id"];
        (await tenant.Client.Upload($"models/{model}/versions", Archives.Tar(("model.txt", "m")))).Expect(HttpStatusCode.Created);
        object Spec(int i) => new { name = $"d{i}", model = new { name = "quota-model" }, group = tenant.Group, serving = new { runtime = "custom", command = "sleep 600" } };

        // Five creations race for two places: exactly two are stored, the others are refused naming the quota.
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => tenant.Client.Post("deployments", Spec(i))));
        var created = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a["id"]).ToList();
        Assert.Equal(2, created.Count);
        foreach (var refusal in answers.Where(a => a.Status != HttpStatusCode.Created))
        {
            refusal.ExpectProblem(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("https://dkube.io/problems/quota-exceeded", refusal["type"]);
            Assert.Equal("deployments", refusal["quota"]);
            Assert.Equal(tenant.Group, refusal["group"]);
            Assert.Equal("2", refusal["limit"]);
            Assert.Equal("2", refusal["use"]);
        }

        Assert.Equal(created.Order(), (await tenant.Client.Get("deployments")).Expect(HttpStatusCode.OK).Items.Select(d => d!["id"]!.ToString()).Order());
        var me = (await tenant.Client.Get("me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(2, QuotaOf(me, tenant.Group, "deployments")["limit"]!.GetValue<int>());
        Assert.Equal(2, QuotaOf(me, tenant.Group, "deployments")["use"]!.GetValue<int>());

        // A deleted deployment frees its place; a limit the operator raises applies to the next creation.
        (await tenant.Client.Delete($"deployments/{created[0]}")).Expect(HttpStatusCode.NoContent);
        Assert.Equal(1, QuotaOf((await tenant.Client.Get("me")).Json, tenant.Group, "deployments")["use"]!.GetValue<int>());
        var again = (await tenant.Client.Post("deployments", Spec(5))).Expect(HttpStatusCode.Created)["id"];
        (await tenant.Client.Post("deployments", Spec(6))).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        (await op.Put($"groups/{tenant.Group}/limits", new { deployments = 3 })).Expect(HttpStatusCode.OK);
        var third = (await tenant.Client.Post("deployments", Spec(6))).Expect(HttpStatusCode.Created)["id"];
        Assert.Equal(3, QuotaOf((await tenant.Client.Get("me")).Json, tenant.Group, "deployments")["use"]!.GetValue<int>());

        foreach (var id in new[] { created[1], again, third })
        {
            (await tenant.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
        }

        Assert.Equal(0, QuotaOf((await tenant.Client.Get("me")).Json, tenant.Group, "deployments")["use"]!.GetValue<int>());
    }
}
