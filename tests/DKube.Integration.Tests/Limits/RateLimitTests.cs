using System.Globalization;
using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Limits;

/// <summary>Per-caller rate limits over real HTTP: 429 with Retry-After, reads and writes apart, tenants apart, the operator's group limits.</summary>
public sealed class RateLimitTests(LimitedServerFixture fixture) : IClassFixture<LimitedServerFixture>
{
    private ServerFixture Server => fixture.Server;

    // A write that the handler refuses (400) still spends a token: the limit runs before the handler.
    private static Task<Reply> Write(ApiClient client) => client.Post("runs", new { });

    /// <summary>Writes until the first 429 (a refill may grant one more on a slow machine); returns it and how many passed before.</summary>
    private static async Task<(Reply Refusal, int Passed)> ExhaustWrites(ApiClient client)
    {
        for (var passed = 0; passed < 50; passed++)
        {
            var reply = await Write(client);
            if (reply.Status == HttpStatusCode.TooManyRequests)
            {
                return (reply, passed);
            }
        }

        throw new Xunit.Sdk.XunitException("50 writes passed a limit of 0.2 per second.");
    }

    [Fact]
    public async Task Writes_beyond_the_burst_are_429_with_retry_after_and_a_problem_naming_the_limit()
    {
        var (_, _, client) = await Server.NewTenantAsync();
        using var _ = client;

        var (refusal, passed) = await ExhaustWrites(client);

        Assert.InRange(passed, LimitedServerFixture.WriteBurst, LimitedServerFixture.WriteBurst + 2);
        refusal.ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("https://dkube.io/problems/rate-limited", refusal["type"]);
        Assert.Equal("writes", refusal["limit"]);
        Assert.Equal(LimitedServerFixture.WriteBurst, int.Parse(refusal["burst"], CultureInfo.InvariantCulture));
        Assert.InRange(int.Parse(refusal.RetryAfter!, CultureInfo.InvariantCulture), 1, 5);
    }

    [Fact]
    public async Task Reads_still_pass_when_writes_are_exhausted()
    {
        var (_, user, client) = await Server.NewTenantAsync();
        using var _ = client;
        await ExhaustWrites(client);

        Assert.Equal(user, (await client.Get("me")).Expect(HttpStatusCode.OK)["name"]);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Write(client)).Status);
    }

    [Fact]
    public async Task One_tenants_exhaustion_leaves_another_tenant_and_the_operator_alone()
    {
        var (_, _, flooder) = await Server.NewTenantAsync();
        var (_, _, other) = await Server.NewTenantAsync();
        using var __ = flooder;
        using var ___ = other;
        await ExhaustWrites(flooder);

        Assert.Equal(HttpStatusCode.BadRequest, (await Write(other)).Status);
        using var op = Server.Operator;
        for (var i = 0; i < 3 * LimitedServerFixture.WriteBurst; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await Write(op)).Status);
        }
    }

    [Fact]
    public async Task A_group_limit_set_by_the_operator_applies_at_once_and_shows_in_me()
    {
        var (group, _, client) = await Server.NewTenantAsync();
        using var _ = client;
        using var op = Server.Operator;
        var me = (await client.Get("me")).Expect(HttpStatusCode.OK).Json["limits"]!;
        Assert.Equal(0.2, me["writesPerSecond"]!.GetValue<double>());
        Assert.Equal(LimitedServerFixture.WriteBurst, me["writeBurst"]!.GetValue<int>());

        // Lowered: one write, then 429.
        (await op.Put($"groups/{group}/limits", new { writesPerSecond = 0.05, writeBurst = 1 })).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.BadRequest, (await Write(client)).Status);
        var refusal = (await Write(client)).ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("1", refusal["burst"]);
        me = (await client.Get("me")).Expect(HttpStatusCode.OK).Json["limits"]!;
        Assert.Equal(0.05, me["writesPerSecond"]!.GetValue<double>());
        Assert.Equal(1, me["writeBurst"]!.GetValue<int>());

        // Raised: the exhausted member writes again at once.
        (await op.Put($"groups/{group}/limits", new { writesPerSecond = 100, writeBurst = 20 })).Expect(HttpStatusCode.OK);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await Write(client)).Status);
        }

        Assert.Equal(20, (await op.Get($"groups/{group}")).Expect(HttpStatusCode.OK).Json["limits"]!["writeBurst"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_member_of_several_groups_gets_the_most_generous_limit_of_each_kind()
    {
        var (stingy, user, client) = await Server.NewTenantAsync();
        using var _ = client;
        using var op = Server.Operator;
        var generous = Server.UniqueName("g");
        (await op.Post("groups", new { name = generous, gpus = 1 })).Expect(HttpStatusCode.Created);
        (await op.Put($"groups/{generous}/members/{user}")).Expect(HttpStatusCode.OK);
        (await op.Put($"groups/{stingy}/limits", new { writesPerSecond = 0.1, writeBurst = 1, readsPerSecond = 500 })).Expect(HttpStatusCode.OK);
        (await op.Put($"groups/{generous}/limits", new { writesPerSecond = 30, writeBurst = 8, readsPerSecond = 5 })).Expect(HttpStatusCode.OK);

        var limits = (await client.Get("me")).Expect(HttpStatusCode.OK).Json["limits"]!;
        Assert.Equal(30, limits["writesPerSecond"]!.GetValue<double>());
        Assert.Equal(8, limits["writeBurst"]!.GetValue<int>());
        Assert.Equal(500, limits["readsPerSecond"]!.GetValue<double>());
        Assert.Equal(1000, limits["readBurst"]!.GetValue<int>());
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await Write(client)).Status);
        }
    }

    [Fact]
    public async Task Invalid_group_limits_are_400_and_only_the_operator_sets_them()
    {
        var (group, _, client) = await Server.NewTenantAsync();
        using var _ = client;
        using var op = Server.Operator;

        (await op.Put($"groups/{group}/limits", new { writesPerSecond = 0 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await op.Put($"groups/{group}/limits", new { readBurst = -1 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await op.Put("groups/no-such-group/limits", new { writesPerSecond = 1 })).ExpectProblem(HttpStatusCode.NotFound);
        (await client.Put($"groups/{group}/limits", new { writesPerSecond = 1000 })).ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Health_and_metrics_are_never_limited()
    {
        var (_, _, client) = await Server.NewTenantAsync();
        using var _ = client;
        await ExhaustWrites(client);

        foreach (var path in new[] { "/healthz", "/readyz", "/metrics" })
        {
            for (var i = 0; i < 3 * LimitedServerFixture.WriteBurst; i++)
            {
                var reply = await client.Send(HttpMethod.Get, path, null);
                Assert.NotEqual(HttpStatusCode.TooManyRequests, reply.Status);
                Assert.True(reply.Status == HttpStatusCode.OK, $"{path}: {reply}");
            }
        }
    }
}
