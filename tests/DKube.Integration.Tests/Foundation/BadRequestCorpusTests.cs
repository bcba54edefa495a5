using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Foundation;

/// <summary>Malformed and hostile requests answer 4xx problem details, never 500, and lose nothing stored.</summary>
public sealed class BadRequestCorpusTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string, string, int> Corpus => new()
    {
        // Malformed JSON.
        { "POST", "users", "{", 400 },
        { "POST", "users", "{\"name\": }", 400 },
        { "POST", "users", "not json at all", 400 },
        { "POST", "users", "[1,2,3]", 400 },
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":4,}", 400 },
        { "POST", "users", "", 400 },
        { "POST", "users", "null", 400 },
        // Wrong types.
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":\"four\"}", 400 },
        { "POST", "groups", "{\"name\":42,\"gpus\":4}", 400 },
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":4.5}", 400 },
        { "POST", "users", "{\"name\":\"u1\",\"roles\":\"operator\"}", 400 },
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":4,\"clusters\":\"local\"}", 400 },
        { "PUT", "groups/{group}", "{\"gpus\":true}", 400 },
        { "POST", "projects", "{\"name\":\"p1\",\"leaderboard\":\"yes\"}", 400 },
        // Missing fields.
        { "POST", "users", "{}", 400 },
        { "POST", "groups", "{\"name\":\"g1\"}", 400 },
        { "POST", "groups", "{\"gpus\":4}", 400 },
        { "PUT", "groups/{group}", "{}", 400 },
        { "POST", "projects", "{\"description\":\"no name\"}", 400 },
        // Negative or huge numbers.
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":-1}", 400 },
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":99999999999}", 400 },
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":1e400}", 400 },
        { "PUT", "groups/{group}", "{\"gpus\":2147483647}", 400 },
        { "GET", "projects?limit=0", "", 400 },
        { "GET", "projects?limit=100000", "", 400 },
        { "GET", "projects?limit=-5", "", 400 },
        { "GET", "projects?limit=abc", "", 400 },
        // Bad names: over-long, upper case, non-ASCII, punctuation.
        { "POST", "users", "{\"name\":\"" + new string('a', 64) + "\"}", 400 },
        { "POST", "users", "{\"name\":\"Alice\"}", 400 },
        { "POST", "users", "{\"name\":\"jos\u00e9\"}", 400 },
        { "POST", "users", "{\"name\":\"\u7528\u6237\"}", 400 },
        { "POST", "users", "{\"name\":\"-lead\"}", 400 },
        { "POST", "users", "{\"name\":\"a b\"}", 400 },
        { "POST", "users", "{\"name\":\"\"}", 400 },
        { "POST", "users", "{\"name\":\"../etc\"}", 400 },
        { "POST", "users", "{\"name\":\"u1\",\"roles\":[\"god\"]}", 400 },
        { "POST", "projects", "{\"name\":\"P_1\"}", 400 },
        // Unknown fields and bad query values.
        { "POST", "users", "{\"name\":\"u1\",\"admin\":true}", 400 },
        { "POST", "groups", "{\"name\":\"g1\",\"gpus\":4,\"quota\":9}", 400 },
        { "GET", "projects?scope=everyone", "", 400 },
        { "GET", "projects?cursor=%%%garbage", "", 400 },
        { "GET", "projects?cursor=bm90LWEtY3Vyc29y", "", 400 },
        // Unknown things in the path.
        { "GET", "projects/p-does-not-exist", "", 404 },
        { "GET", "projects/..%2F..%2Fetc%2Fpasswd", "", 404 },
        { "GET", "groups/no-such-group", "", 404 },
        { "PUT", "groups/no-such-group/members/{user}", "", 404 },
        { "PUT", "groups/{group}/members/no-such-user", "", 404 },
        { "DELETE", "groups/{group}/members/no-such-user", "", 404 },
        { "GET", "no-such-endpoint", "", 404 },
        { "GET", "users/" + "x", "", 404 },
        // Wrong content type and method.
        { "POST:text/plain", "users", "{\"name\":\"u1\"}", 415 },
        { "DELETE", "me", "", 405 },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Bad_request_answers_4xx_problem_details(string method, string path, string body, int status)
    {
        var (group, user) = await SeedAsync();
        using var op = fixture.Operator;
        var contentType = method.Contains(':', StringComparison.Ordinal) ? method.Split(':')[1] : "application/json";
        var verb = new HttpMethod(method.Split(':')[0]);
        var resolved = path.Replace("{group}", group, StringComparison.Ordinal).Replace("{user}", user, StringComparison.Ordinal);
        var reply = verb == HttpMethod.Get || (verb == HttpMethod.Delete && body.Length == 0)
            ? await op.Send(verb, resolved, null)
            : await op.SendRaw(verb, resolved, body, contentType);

        Assert.InRange((int)reply.Status, 400, 499);
        reply.ExpectProblem((HttpStatusCode)status);
        await AssertNothingLostAsync(group, user);
    }

    [Fact]
    public async Task Oversized_body_is_413_problem_details()
    {
        using var op = fixture.Operator;
        var huge = "{\"name\":\"u1\",\"roles\":[" + string.Join(",", Enumerable.Repeat("\"data-scientist\"", 100_000)) + "]}";
        var reply = await op.SendRaw(HttpMethod.Post, "users", huge, expectContinue: true);
        reply.ExpectProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        using var op = fixture.Operator;
        var nested = "{\"name\":\"u1\",\"roles\":" + new string('[', 200) + new string(']', 200) + "}";
        (await op.SendRaw(HttpMethod.Post, "users", nested)).ExpectProblem(HttpStatusCode.BadRequest);
    }

    private static readonly SemaphoreSlim SeedLock = new(1, 1);
    private (string Group, string User)? _seed;

    private async Task<(string Group, string User)> SeedAsync()
    {
        await SeedLock.WaitAsync();
        try
        {
            if (_seed is null)
            {
                var (group, user, client) = await fixture.NewTenantAsync();
                client.Dispose();
                _seed = (group, user);
            }

            return _seed.Value;
        }
        finally
        {
            SeedLock.Release();
        }
    }

    private async Task AssertNothingLostAsync(string group, string user)
    {
        using var op = fixture.Operator;
        var view = (await op.Get($"groups/{group}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(4, view["gpus"]!.GetValue<int>());
        Assert.Contains(user, view["members"]!.AsArray().Select(m => m!.ToString()));
    }
}
