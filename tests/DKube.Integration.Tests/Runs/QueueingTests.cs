using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary>The scenario of the issue, through HTTP on real processes: runs share a group's pool and queue for GPUs.</summary>
public sealed class QueueingTests(LabFixture lab) : IClassFixture<LabFixture>
{
    [Fact]
    public async Task Three_two_gpu_runs_in_a_four_gpu_group_run_two_and_queue_one_until_gpus_free()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 4);
        var first = (await tenant.Submit("first", 2)).Expect(HttpStatusCode.Created)["id"];
        var second = (await tenant.Submit("second", 2)).Expect(HttpStatusCode.Created)["id"];
        var third = (await tenant.Submit("third", 2)).Expect(HttpStatusCode.Created).Json;

        Assert.Equal("WaitingForGpus", third["status"]!.ToString());
        Assert.Equal(1, third["queuePosition"]!.GetValue<int>());
        await tenant.WaitForStatus(first, "Running");
        await tenant.WaitForStatus(second, "Running");

        var pool = (await tenant.Client.Get($"groups/{tenant.Group}/pool")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(4, pool["used"]!.GetValue<int>());
        Assert.Equal(0, pool["free"]!.GetValue<int>());
        var queued = Assert.Single(pool["queue"]!.AsArray());
        Assert.Equal(third["id"]!.ToString(), queued!["id"]!.ToString());
        Assert.Equal(1, queued["position"]!.GetValue<int>());
        Assert.NotNull(queued["estimatedStart"]);

        (await tenant.Client.Post($"runs/{first}/stop")).Expect(HttpStatusCode.OK);
        await tenant.WaitForStatus(first, "Stopped");
        await tenant.WaitForStatus(third["id"]!.ToString(), "Running");
        var started = (await tenant.Client.Get($"runs/{third["id"]}")).Json;
        Assert.Equal(2, started["allocation"]!["totalGpus"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_request_larger_than_the_pool_is_422_and_leaves_nothing()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 4);
        (await tenant.Submit("too-big", 5)).ExpectProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Empty((await tenant.Client.Get("runs?scope=mine")).Items);
    }

    [Fact]
    public async Task Start_with_available_gpus_starts_at_once_with_what_is_free_zero_included()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 4);
        var holder = (await tenant.Submit("holder", 3)).Expect(HttpStatusCode.Created)["id"];
        var partial = (await tenant.Submit("partial", 4, "echo \"gpus=$CUDA_VISIBLE_DEVICES\"; sleep 600", new { startWithAvailableGpus = true })).Expect(HttpStatusCode.Created).Json;
        Assert.NotEqual("WaitingForGpus", partial["status"]!.ToString());
        Assert.Equal(1, partial["allocation"]!["totalGpus"]!.GetValue<int>());

        var zero = (await tenant.Submit("zero", 2, "echo \"gpus=[$CUDA_VISIBLE_DEVICES]\"", new { startWithAvailableGpus = true })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal(0, zero["allocation"]!["totalGpus"]!.GetValue<int>());
        var zeroId = zero["id"]!.ToString();
        await tenant.WaitForStatus(zeroId, "Complete");
        Assert.Contains("gpus=[]", (await tenant.Client.Get($"runs/{zeroId}/logs")).Text, StringComparison.Ordinal);
        await tenant.WaitForStatus(holder, "Running");
    }

    [Fact]
    public async Task Strict_fifo_head_blocks_a_smaller_request_that_best_effort_lets_pass()
    {
        using var strict = await lab.NewTenantAsync(gpus: 4, policy: "StrictFifo");
        (await strict.Submit("a", 3)).Expect(HttpStatusCode.Created);
        (await strict.Submit("b", 2)).Expect(HttpStatusCode.Created);
        Assert.Equal("WaitingForGpus", (await strict.Submit("c", 1)).Expect(HttpStatusCode.Created)["status"]);

        using var relaxed = await lab.NewTenantAsync(gpus: 4, policy: "BestEffortFifo");
        (await relaxed.Submit("a", 3)).Expect(HttpStatusCode.Created);
        (await relaxed.Submit("b", 2)).Expect(HttpStatusCode.Created);
        Assert.NotEqual("WaitingForGpus", (await relaxed.Submit("c", 1)).Expect(HttpStatusCode.Created)["status"]);
    }

    [Fact]
    public async Task Resizing_the_pool_admits_waiting_runs()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 2);
        (await tenant.Submit("one", 2)).Expect(HttpStatusCode.Created);
        var waiting = (await tenant.Submit("two", 2)).Expect(HttpStatusCode.Created)["id"];
        Assert.Equal("WaitingForGpus", await tenant.StatusOf(waiting));

        using var op = lab.Server.Operator;
        (await op.Put($"groups/{tenant.Group}", new { gpus = 4 })).Expect(HttpStatusCode.OK);
        await tenant.WaitForStatus(waiting, "Running");
    }

    [Fact]
    public async Task Distributed_runs_are_admitted_all_or_nothing_and_count_workers_plus_one()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 6);
        var gang = (await tenant.Submit("gang", 2, "sleep 600", new { distribution = new { mode = "Manual", workers = 1 } })).Expect(HttpStatusCode.Created).Json;
        var allocation = gang["allocation"]!;
        Assert.Equal(4, allocation["totalGpus"]!.GetValue<int>());
        var nodes = allocation["workers"]!.AsArray().Select(w => w!["node"]!.ToString()).ToList();
        Assert.Equal(2, nodes.Distinct().Count());

        var tooWide = (await tenant.Submit("too-wide", 2, "sleep 600", new { distribution = new { mode = "Auto", workers = 1 } })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal("WaitingForGpus", tooWide["status"]!.ToString());
        Assert.Null(tooWide["allocation"]);

        // Three workers, one per node, on a two-node cluster can never be placed.
        (await tenant.Submit("impossible", 1, "true", new { distribution = new { mode = "Manual", workers = 2 } })).ExpectProblem(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Node_affinity_places_work_only_on_labelled_nodes()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 8);
        var run = (await tenant.Submit("prod-only", 2, "sleep 600", new { affinity = new[] { "production" } })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal("n2", run["allocation"]!["workers"]![0]!["node"]!.ToString());
    }
}
