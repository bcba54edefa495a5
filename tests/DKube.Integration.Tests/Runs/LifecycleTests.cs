using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary>Runs as real processes: outcomes, environment, logs, metrics, stop, delete, clone and templates.</summary>
public sealed class LifecycleTests(LabFixture lab) : IClassFixture<LabFixture>
{
    [Fact]
    public async Task Exit_zero_completes_and_a_non_zero_exit_fails_with_its_code()
    {
        using var tenant = await lab.NewTenantAsync();
        var ok = (await tenant.Submit("ok", 1, "exit 0")).Expect(HttpStatusCode.Created)["id"];
        var bad = (await tenant.Submit("bad", 1, "echo oops >&2; exit 3")).Expect(HttpStatusCode.Created)["id"];

        await tenant.WaitForStatus(ok, "Complete");
        await tenant.WaitForStatus(bad, "Failed");
        Assert.Equal("3", (await tenant.Client.Get($"runs/{bad}"))["exitCode"]);
        Assert.Contains("oops", (await tenant.Client.Get($"runs/{bad}/logs")).Text, StringComparison.Ordinal);
        // Ended runs give their GPUs back.
        await Eventually.Until(() => tenant.Client.Get($"groups/{tenant.Group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0);
    }

    [Fact]
    public async Task The_process_sees_its_identity_gpus_and_hyperparameters()
    {
        using var tenant = await lab.NewTenantAsync();
        const string command = "echo \"id=$DKUBE_RUN_ID user=$DKUBE_USER group=$DKUBE_GROUP gpus=$CUDA_VISIBLE_DEVICES lr=$LEARNING_RATE\"; " +
                               "cat \"$DKUBE_HYPERPARAMETERS_FILE\"; echo; test -d \"$DKUBE_TENSORBOARD_DIR\" && echo tb-ok";
        var run = (await tenant.Submit("env", 2, command, new { hyperparameters = new { learning_rate = 0.01, optimizer = "adam" } })).Expect(HttpStatusCode.Created).Json;
        var id = run["id"]!.ToString();
        await tenant.WaitForStatus(id, "Complete");

        var log = (await tenant.Client.Get($"runs/{id}/logs")).Text;
        var gpus = string.Join(',', run["allocation"]!["workers"]![0]!["gpus"]!.AsArray().Select(g => g!.ToString()));
        Assert.Contains($"user={tenant.User} group={tenant.Group} gpus={gpus} lr=0.01", log, StringComparison.Ordinal);
        Assert.Contains($"id={id}", log, StringComparison.Ordinal);
        Assert.Contains("\"optimizer\":\"adam\"", log, StringComparison.Ordinal);
        Assert.Contains("tb-ok", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_written_by_the_run_are_served()
    {
        using var tenant = await lab.NewTenantAsync();
        var id = (await tenant.Submit("metrics", 1, "for s in 1 2 3; do echo \"{\\\"step\\\":$s,\\\"loss\\\":0.$((10 - s))}\" >> \"$DKUBE_METRICS_FILE\"; done")).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(id, "Complete");
        var items = (await tenant.Client.Get($"runs/{id}/metrics")).Expect(HttpStatusCode.OK).Items;
        Assert.Equal([1, 2, 3], items.Select(i => i!["step"]!.GetValue<int>()));
        Assert.Equal(0.7, items[2]!["loss"]!.GetValue<double>(), 3);
    }

    [Fact]
    public async Task Following_the_log_streams_lines_as_they_are_written_until_the_run_ends()
    {
        using var tenant = await lab.NewTenantAsync();
        var id = (await tenant.Submit("stream", 0, "echo first; sleep 1; echo second; sleep 1; echo third")).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(id, "Running");
        var followed = (await tenant.Client.Get($"runs/{id}/logs?follow=true")).Expect(HttpStatusCode.OK).Text;
        Assert.Equal(["first", "second", "third"], followed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        await tenant.WaitForStatus(id, "Complete");
    }

    [Fact]
    public async Task Stop_ends_the_process_with_sigterm_and_delete_is_refused_until_it_ended()
    {
        using var tenant = await lab.NewTenantAsync();
        var id = (await tenant.Submit("trap", 1, "trap 'echo got-term; exit 0' TERM; echo ready; while true; do sleep 0.1; done")).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(id, "Running");
        await Eventually.Until(() => tenant.Client.Get($"runs/{id}/logs"), r => r.Text.Contains("ready", StringComparison.Ordinal));

        (await tenant.Client.Delete($"runs/{id}")).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("Stopping", (await tenant.Client.Post($"runs/{id}/stop")).Expect(HttpStatusCode.OK)["status"]);
        await tenant.WaitForStatus(id, "Stopped");
        Assert.Contains("got-term", (await tenant.Client.Get($"runs/{id}/logs")).Text, StringComparison.Ordinal);

        (await tenant.Client.Delete($"runs/{id}")).Expect(HttpStatusCode.NoContent);
        (await tenant.Client.Get($"runs/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, (await tenant.Client.Get("runs")).Items.Strings("id"));
    }

    [Fact]
    public async Task Stopping_a_queued_run_withdraws_it_from_the_queue()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 1);
        (await tenant.Submit("holder", 1)).Expect(HttpStatusCode.Created);
        var queued = (await tenant.Submit("queued", 1)).Expect(HttpStatusCode.Created)["id"];
        Assert.Equal("Stopped", (await tenant.Client.Post($"runs/{queued}/stop")).Expect(HttpStatusCode.OK)["status"]);
        Assert.Empty((await tenant.Client.Get($"groups/{tenant.Group}/pool")).Json["queue"]!.AsArray());
    }

    [Fact]
    public async Task Clone_and_template_reuse_a_spec_with_overrides()
    {
        using var tenant = await lab.NewTenantAsync();
        var source = (await tenant.Submit("source", 1, "echo from-source", new { hyperparameters = new { epochs = 5 } })).Expect(HttpStatusCode.Created)["id"];
        var clone = (await tenant.Client.Post("runs", new { name = "clone", cloneFrom = source, hyperparameters = new { epochs = 7 } })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal("echo from-source", clone["spec"]!["command"]!.ToString());
        Assert.Equal("7", clone["spec"]!["hyperparameters"]!["epochs"]!.ToString());
        Assert.Equal(source, clone["clonedFrom"]!.ToString());

        var template = (await tenant.Client.Post("templates", new { name = "nightly", kind = "preprocessing", command = "echo from-template", gpus = 1 })).Expect(HttpStatusCode.Created)["id"];
        Assert.Contains(template, (await tenant.Client.Get("templates")).Items.Strings("id"));
        var fromTemplate = (await tenant.Client.Post("runs", new { name = "from-template", template })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal("preprocessing", fromTemplate["kind"]!.ToString());
        await tenant.WaitForStatus(fromTemplate["id"]!.ToString(), "Complete");
        Assert.Contains("from-template", (await tenant.Client.Get($"runs/{fromTemplate["id"]}/logs")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_groups_member_gets_404_on_every_run_ide_template_and_pool_endpoint()
    {
        using var owner = await lab.NewTenantAsync();
        using var stranger = await lab.NewTenantAsync();
        var run = (await owner.Submit("private", 1)).Expect(HttpStatusCode.Created)["id"];
        var ide = (await owner.Client.Post("ides", new { name = "notebook", command = "sleep 600" })).Expect(HttpStatusCode.Created)["id"];
        var template = (await owner.Client.Post("templates", new { name = "secret", kind = "training", command = "true" })).Expect(HttpStatusCode.Created)["id"];

        foreach (var path in new[] { $"runs/{run}", $"runs/{run}/logs", $"runs/{run}/metrics", $"ides/{ide}", $"templates/{template}", $"groups/{owner.Group}/pool" })
        {
            (await stranger.Client.Get(path)).ExpectProblem(HttpStatusCode.NotFound);
        }

        foreach (var path in new[] { $"runs/{run}/stop", $"ides/{ide}/stop", $"ides/{ide}/start" })
        {
            (await stranger.Client.Post(path)).ExpectProblem(HttpStatusCode.NotFound);
        }

        (await stranger.Client.Delete($"runs/{run}")).ExpectProblem(HttpStatusCode.NotFound);
        (await stranger.Client.Post("runs", new { name = "steal", cloneFrom = run })).ExpectProblem(HttpStatusCode.NotFound);
        (await stranger.Client.Post("runs", new { name = "steal", template })).ExpectProblem(HttpStatusCode.NotFound);
        (await stranger.Client.Post("runs", new { name = "intrude", kind = "training", command = "true", gpus = 1, group = owner.Group })).ExpectProblem(HttpStatusCode.NotFound);
        foreach (var list in new[] { "runs", "ides", "templates" })
        {
            Assert.Empty((await stranger.Client.Get(list)).Items);
        }

        await owner.WaitForStatus(run, "Running");
    }

    [Fact]
    public async Task Ides_start_stop_restart_and_delete()
    {
        using var tenant = await lab.NewTenantAsync();
        var ide = (await tenant.Client.Post("ides", new { name = "lab", ide = "jupyterlab", gpus = 1, command = "echo serving on $CUDA_VISIBLE_DEVICES; sleep 600" })).Expect(HttpStatusCode.Created)["id"];
        await tenant.WaitForStatus(ide, "Running", "ides");
        Assert.Equal(1, (await tenant.Client.Get($"groups/{tenant.Group}/pool")).Json["used"]!.GetValue<int>());

        (await tenant.Client.Post($"ides/{ide}/stop")).Expect(HttpStatusCode.OK);
        await tenant.WaitForStatus(ide, "Stopped", "ides");
        await Eventually.Until(() => tenant.Client.Get($"groups/{tenant.Group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0);

        var restarted = (await tenant.Client.Post($"ides/{ide}/start")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(2, restarted["attempt"]!.GetValue<int>());
        await tenant.WaitForStatus(ide, "Running", "ides");
        (await tenant.Client.Delete($"ides/{ide}")).ExpectProblem(HttpStatusCode.Conflict);
        (await tenant.Client.Post($"ides/{ide}/stop")).Expect(HttpStatusCode.OK);
        await tenant.WaitForStatus(ide, "Stopped", "ides");
        (await tenant.Client.Delete($"ides/{ide}")).Expect(HttpStatusCode.NoContent);

        (await tenant.Client.Post("ides", new { name = "lab-copy", cloneFrom = ide })).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Runs_are_not_ides_and_ides_are_not_runs()
    {
        using var tenant = await lab.NewTenantAsync();
        var run = (await tenant.Submit("a-run", 0, "true")).Expect(HttpStatusCode.Created)["id"];
        (await tenant.Client.Get($"ides/{run}")).ExpectProblem(HttpStatusCode.NotFound);
        (await tenant.Client.Post($"runs/{run}/start")).ExpectProblem(HttpStatusCode.NotFound);
    }
}
