using System.Text.Json;
using DKube.Executors.Slurm;
using DKube.Executors.Slurm.Rest;
using DKube.Executors.Tests.Local;

namespace DKube.Executors.Tests.Slurm;

/// <summary>A Slurm job that serves HTTP carries its port in <c>PORT</c> and its comment, and is reached at its first node.</summary>
public sealed class SlurmEndpointTests
{
    private static readonly SlurmOptions Options = new() { BaseUrl = new Uri("http://127.0.0.1:6820"), UserName = "u", Token = "t", OutputDirectory = "/tmp" };

    [Fact]
    public void A_job_that_serves_http_gets_a_port_noted_in_its_comment_and_is_reached_at_its_first_node_once_running()
    {
        var spec = LocalHarness.Spec("serve", kind: WorkloadKind.Ide) with { ServesHttp = true };
        var job = SlurmJobRequestBuilder.Build(spec, Options).Job;
        var port = job.Environment[HttpEndpoint.PortVariable];

        Assert.Equal("0.0.0.0", job.Environment[HttpEndpoint.BindAddressVariable]);
        Assert.EndsWith(" port=" + port, job.Comment, StringComparison.Ordinal);
        Assert.Equal($"http://node1:{port}",
            SlurmStatusMapper.Map(spec.Id, Dto("RUNNING", job.Comment!, "node[1-2]"), DateTimeOffset.UtcNow).Endpoint);
        Assert.Null(SlurmStatusMapper.Map(spec.Id, Dto("PENDING", job.Comment!, ""), DateTimeOffset.UtcNow).Endpoint);
        Assert.Null(SlurmStatusMapper.Map(spec.Id, Dto("RUNNING", "dkube run=x user=u group=g", "node1"), DateTimeOffset.UtcNow).Endpoint);
        Assert.False(SlurmJobRequestBuilder.Build(LocalHarness.Spec("batch"), Options).Job.Environment.ContainsKey(HttpEndpoint.PortVariable));
    }

    [Fact]
    public void The_comment_is_read_whether_slurmrestd_gives_it_as_text_or_as_an_object()
    {
        var asObject = JsonSerializer.Deserialize<JsonElement>("""{"job":"dkube run=x port=4242","administrator":null}""");
        var dto = new SlurmJobDto { JobId = 1, Name = "x", JobState = "RUNNING", Comment = asObject, Nodes = JsonSerializer.SerializeToElement("n7") };

        Assert.Equal("http://n7:4242", SlurmStatusMapper.Map("x", dto, DateTimeOffset.UtcNow).Endpoint);
    }

    private static SlurmJobDto Dto(string state, string comment, string nodes) => new()
    {
        JobId = 1, Name = "x", JobState = state,
        Comment = JsonSerializer.SerializeToElement(comment), Nodes = JsonSerializer.SerializeToElement(nodes),
    };
}
