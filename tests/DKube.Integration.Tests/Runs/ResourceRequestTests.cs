using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary><c>cpus</c> and <c>memoryGiB</c> of runs and IDEs: validated, checked against the nodes, kept in the spec.</summary>
public sealed class ResourceRequestTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("cpus", -1)]
    [InlineData("cpus", 0)]
    [InlineData("cpus", 5000)]
    [InlineData("memoryGiB", -2)]
    [InlineData("memoryGiB", 0)]
    [InlineData("memoryGiB", 1_000_000)]
    public async Task Negative_zero_or_absurd_cpus_or_memory_is_a_400_naming_the_field(string field, double value)
    {
        var (_, _, client) = await TenantOnSmallClusterAsync();
        using (client)
        {
            var body = new Dictionary<string, object> { ["name"] = "r", ["kind"] = "training", ["command"] = "true", ["gpus"] = 0, [field] = field == "cpus" ? value : (int)value };

            var problem = (await client.Post("runs", body)).ExpectProblem(HttpStatusCode.BadRequest).Json;

            Assert.Equal("https://dkube.io/problems/validation", problem["type"]!.ToString());
            Assert.NotNull(problem["errors"]![field]);
            var ide = new Dictionary<string, object> { ["name"] = "i", [field] = field == "cpus" ? value : (int)value };
            Assert.NotNull((await client.Post("ides", ide)).ExpectProblem(HttpStatusCode.BadRequest).Json["errors"]![field]);
        }
    }

    [Fact]
    public async Task More_cpus_or_memory_than_any_node_has_is_a_422_unplaceable()
    {
        var (_, _, client) = await TenantOnSmallClusterAsync();
        using (client)
        {
            foreach (var extra in new Dictionary<string, object>[] { new() { ["cpus"] = 5 }, new() { ["memoryGiB"] = 9 } })
            {
                var body = new Dictionary<string, object> { ["name"] = "big", ["kind"] = "training", ["command"] = "true", ["gpus"] = 1 };
                foreach (var (key, value) in extra)
                {
                    body[key] = value;
                }

                Assert.Equal("https://dkube.io/problems/unplaceable", (await client.Post("runs", body)).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);
            }
        }
    }

    [Fact]
    public async Task What_fits_is_kept_in_the_spec_and_a_clone_keeps_it()
    {
        var (_, _, client) = await TenantOnSmallClusterAsync();
        using (client)
        {
            var run = (await client.Post("runs", new { name = "fits", kind = "training", command = "true", gpus = 1, cpus = 3.5, memoryGiB = 8 })).Expect(HttpStatusCode.Created).Json;
            Assert.Equal(3.5, run["spec"]!["cpus"]!.GetValue<double>());
            Assert.Equal(8, run["spec"]!["memoryGiB"]!.GetValue<int>());

            var clone = (await client.Post("runs", new { cloneFrom = run["id"]!.ToString() })).Expect(HttpStatusCode.Created).Json;
            Assert.Equal(3.5, clone["spec"]!["cpus"]!.GetValue<double>());
            Assert.Equal(8, clone["spec"]!["memoryGiB"]!.GetValue<int>());
        }
    }

    /// <summary>A group on a cluster of its own whose one node has 4 CPUs and 8 GiB.</summary>
    private async Task<(string Group, string User, ApiClient Client)> TenantOnSmallClusterAsync()
    {
        using var op = server.Operator;
        var cluster = server.UniqueName("small");
        (await op.Post("clusters", new { name = cluster, kind = "local", nodes = new[] { new { name = "n1", gpus = 2, cpus = 4, memoryGiB = 8 } } })).Expect(HttpStatusCode.Created);
        return await server.NewTenantAsync(2, cluster);
    }
}
