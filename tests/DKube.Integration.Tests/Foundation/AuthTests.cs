using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Foundation;

public sealed class AuthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("GET", "me")]
    [InlineData("GET", "users")]
    [InlineData("POST", "groups")]
    [InlineData("GET", "projects")]
    public async Task Missing_token_is_401(string method, string path)
    {
        using var anonymous = fixture.Operator.As(null);
        (await anonymous.Send(new HttpMethod(method), path, new { })).ExpectProblem(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("dkt_wrong")]
    [InlineData("")]
    [InlineData("Basic abc")]
    public async Task Wrong_token_is_401(string token)
    {
        using var stranger = fixture.Operator.As(token);
        (await stranger.Get("me")).ExpectProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Data_scientist_calling_operator_endpoints_is_403()
    {
        var (group, user, client) = await fixture.NewTenantAsync();
        using (client)
        {
            (await client.Post("users", new { name = "mallory" })).ExpectProblem(HttpStatusCode.Forbidden);
            (await client.Post("groups", new { name = "rogue", gpus = 1 })).ExpectProblem(HttpStatusCode.Forbidden);
            (await client.Put($"groups/{group}", new { gpus = 100 })).ExpectProblem(HttpStatusCode.Forbidden);
            (await client.Put($"groups/{group}/members/{user}")).ExpectProblem(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Me_names_roles_and_every_group()
    {
        var (group, user, client) = await fixture.NewTenantAsync();
        using var op = fixture.Operator;
        var second = fixture.UniqueName("g");
        (await op.Post("groups", new { name = second, gpus = 2 })).Expect(HttpStatusCode.Created);
        (await op.Put($"groups/{second}/members/{user}")).Expect(HttpStatusCode.OK);

        var me = (await client.Get("me")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(user, me["name"]!.ToString());
        Assert.Equal(["data-scientist"], me["roles"]!.AsArray().Select(r => r!.ToString()));
        Assert.Equal(new[] { group, second }.Order(), me["groups"]!.AsArray().Select(g => g!.ToString()).Order());
    }

    [Fact]
    public async Task Rotated_token_replaces_the_old_one_at_once()
    {
        var (_, user, client) = await fixture.NewTenantAsync();
        using var op = fixture.Operator;
        var newToken = (await op.Post($"users/{user}/token")).Expect(HttpStatusCode.OK)["token"];

        (await client.Get("me")).ExpectProblem(HttpStatusCode.Unauthorized);
        using var renewed = client.As(newToken);
        Assert.Equal(user, (await renewed.Get("me")).Expect(HttpStatusCode.OK)["name"]);
    }

    [Fact]
    public async Task Token_is_stored_only_as_a_hash()
    {
        var (_, _, client) = await fixture.NewTenantAsync();
        await using var connection = new Npgsql.NpgsqlConnection(fixture.Server.Options.Postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM dkube_users WHERE encode(token_hash, 'escape') LIKE '%' || @t || '%'", connection);
        command.Parameters.AddWithValue("t", client.Token!);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);

        // ...and nowhere in the grain state either.
        await using var storage = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM orleansstorage WHERE position(convert_to(@t, 'UTF8') in payloadbinary) > 0", connection);
        storage.Parameters.AddWithValue("t", client.Token!);
        Assert.Equal(0L, (long)(await storage.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Duplicate_user_is_409()
    {
        var (_, user, _) = await fixture.NewTenantAsync();
        using var op = fixture.Operator;
        (await op.Post("users", new { name = user })).ExpectProblem(HttpStatusCode.Conflict);
    }
}
