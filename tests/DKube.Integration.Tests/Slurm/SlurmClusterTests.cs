using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Slurm;

/// <summary>An operator registers the real Slurm over HTTP; its nodes and GPUs are read from Slurm itself.</summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmClusterTests(SlurmLabFixture lab)
{
    [Fact]
    public async Task A_registered_slurm_cluster_shows_the_node_and_eight_gpus_slurm_reports_and_never_its_token()
    {
        using var op = lab.Server.Operator;
        var reply = (await op.Get($"clusters/{SlurmLabFixture.Cluster}")).Expect(HttpStatusCode.OK);

        Assert.Equal(8, reply.Json["gpus"]!.GetValue<int>());
        var node = Assert.Single(reply.Json["nodes"]!.AsArray());
        Assert.Equal(8, node!["gpus"]!.GetValue<int>());
        Assert.DoesNotContain(lab.Slurm.Token, reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.Slurm.Token, (await op.Get("clusters")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_slurm_token_is_sealed_at_rest_and_in_no_table()
    {
        var dump = await DatabaseDump.AllRowsAsync(lab.Server.ConnectionString);

        Assert.Contains(SlurmLabFixture.Cluster, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.Slurm.Token, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(lab.Slurm.Token)), dump, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slurm_cluster_whose_token_slurm_refuses_is_a_422_problem_and_is_not_registered()
    {
        using var op = lab.Server.Operator;
        var name = lab.Server.UniqueName("badtoken");

        // slurmrestd answers a bad JWT with HTTP 500 and errors[]: that is Slurm refusing, not a bug of ours.
        var reply = (await op.Post("clusters", lab.RegistrationBody(name, token: "not-a-valid-jwt"))).ExpectProblem(HttpStatusCode.UnprocessableEntity);

        Assert.Contains(name, reply["detail"], StringComparison.Ordinal);
        (await op.Get($"clusters/{name}")).ExpectProblem(HttpStatusCode.NotFound);
    }
}
