using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Foundation;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Tenancy_survives_a_restart_on_the_same_embedded_data_folder()
    {
        // The embedded default end to end: no connection string, the server owns its database.
        var dataDir = ServerHandle.NewDataDir();
        try
        {
            string token, projectId;
            await using (var first = await ServerHandle.StartAsync(null, dataDir))
            {
                using var op = new ApiClient(first.Url, ServerHandle.OperatorToken);
                (await op.Post("groups", new { name = "research", gpus = 8 })).Expect(HttpStatusCode.Created);
                (await op.Post("groups", new { name = "prod", gpus = 2 })).Expect(HttpStatusCode.Created);
                token = (await op.Post("users", new { name = "dora", roles = new[] { "data-scientist", "ml-engineer" } })).Expect(HttpStatusCode.Created)["token"];
                (await op.Put("groups/research/members/dora")).Expect(HttpStatusCode.OK);
                (await op.Put("groups/prod/members/dora")).Expect(HttpStatusCode.OK);
                (await op.Put("groups/prod", new { gpus = 3 })).Expect(HttpStatusCode.OK);
                using var dora = op.As(token);
                projectId = (await dora.Post("projects", new { name = "vision", group = "prod", leaderboard = true })).Expect(HttpStatusCode.Created)["id"];
            }

            await using var second = await ServerHandle.StartAsync(null, dataDir);
            using var again = new ApiClient(second.Url, token);
            var me = (await again.Get("me")).Expect(HttpStatusCode.OK).Json;
            Assert.Equal(["ml-engineer", "data-scientist"], me["roles"]!.AsArray().Select(r => r!.ToString()).OrderDescending());
            Assert.Equal(["prod", "research"], me["groups"]!.AsArray().Select(g => g!.ToString()));
            Assert.Equal("3", (await again.Get("groups/prod")).Expect(HttpStatusCode.OK)["gpus"]);
            var project = (await again.Get($"projects/{projectId}")).Expect(HttpStatusCode.OK).Json;
            Assert.Equal("vision", project["name"]!.ToString());
            Assert.True(project["leaderboard"]!.GetValue<bool>());
            Assert.Contains(projectId, (await again.Get("projects")).Items.Strings("id"));
        }
        finally
        {
            SharedPostgres.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task Operator_token_made_on_first_start_is_kept_for_the_next()
    {
        var dataDir = ServerHandle.NewDataDir();
        var database = await SharedPostgres.NewDatabaseAsync();
        try
        {
            var output = new StringWriter();
            string token;
            await using (var first = await DKube.Server.DKubeServer.StartAsync(
                ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", $"--POSTGRES={database}", $"--SILO_PORT={FreePorts.Next()}", $"--GATEWAY_PORT={FreePorts.Next()}"], output))
            {
                token = first.OperatorToken;
                Assert.Contains(token, output.ToString(), StringComparison.Ordinal);
            }

            var quiet = new StringWriter();
            await using var second = await DKube.Server.DKubeServer.StartAsync(
                ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", $"--POSTGRES={database}", $"--SILO_PORT={FreePorts.Next()}", $"--GATEWAY_PORT={FreePorts.Next()}"], quiet);
            Assert.Equal(token, second.OperatorToken);
            Assert.DoesNotContain(token, quiet.ToString(), StringComparison.Ordinal);
            using var op = new ApiClient(second.Url, token);
            Assert.Equal("operator", (await op.Get("me")).Expect(HttpStatusCode.OK)["name"]);
        }
        finally
        {
            SharedPostgres.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task Migrations_apply_once_and_then_report_nothing_to_do()
    {
        var database = await SharedPostgres.NewDatabaseAsync();
        var first = await DKube.Storage.Migrations.MigrationRunner.MigrateAsync(database);
        var second = await DKube.Storage.Migrations.MigrationRunner.MigrateAsync(database);
        Assert.Equal(DKube.Storage.Migrations.MigrationRunner.All.Select(m => m.Version), first);
        Assert.Empty(second);
    }
}
