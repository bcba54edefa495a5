using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Live;

/// <summary><c>/utilization</c>, <c>/storage</c> and <c>/dashboard</c> over real HTTP with real processes and versions.</summary>
public sealed class LiveFiguresTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    private const long Allocated = 200L * 1024 * 1024;

    [Fact]
    public async Task Utilization_shows_the_gpus_and_the_memory_a_running_process_really_uses()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        // 200 MB written (not just reserved: calloc'd zero pages would not be resident), then held.
        // Debian's interpreter: the run's account cannot reach root's pyenv.
        var id = (await alice.Submit("hog", 2, "/usr/bin/python3 -c \"import time; b = b'\\x01' * (200 * 1024 * 1024); time.sleep(600)\""))
            .Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(id, "Running");

        var answer = await Eventually.Until(() => alice.Client.Get("utilization"),
            r => r.Json["users"]!.AsArray().Any(u => u!["user"]!.ToString() == alice.User && u["memoryBytes"]!.GetValue<long>() >= Allocated),
            what: "the run's memory in /utilization");
        var mine = answer.Json["users"]!.AsArray().Single(u => u!["user"]!.ToString() == alice.User)!;
        Assert.Equal(2, mine["gpus"]!.GetValue<int>());
        Assert.Equal(1, mine["workloads"]!.GetValue<int>());
        // Not wildly more than the process holds: the interpreter and the wrapper add tens of MB, not hundreds.
        Assert.InRange(mine["memoryBytes"]!.GetValue<long>(), Allocated, Allocated + (150L * 1024 * 1024));
        var group = answer.Json["groups"]!.AsArray().Single(g => g!["group"]!.ToString() == alice.Group)!;
        Assert.Equal(4, group["gpus"]!.GetValue<int>());
        Assert.Equal(2, group["used"]!.GetValue<int>());

        // Another group sees nothing of it.
        var others = (await bob.Client.Get("utilization")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(alice.User, others.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(alice.Group, others.Text, StringComparison.Ordinal);

        // The history has points of it, and Prometheus has the gauge.
        await Eventually.Until(() => alice.Client.Get("utilization/history?window=5m&step=1s"),
            h => h.Json["groups"]!.AsArray().Single(g => g!["group"]!.ToString() == alice.Group)!["points"]!.AsArray()
                .Any(p => p!["memoryBytes"]!.GetValue<long>() >= Allocated), what: "a history point with the run's memory");
        using var metrics = new HttpClient();
        var gauge = await Eventually.Until(async () => (await metrics.GetStringAsync(new Uri(fixture.Server.Url, "/metrics")))
                .Split('\n').FirstOrDefault(l => l.StartsWith("dkube_utilization_memory_bytes{", StringComparison.Ordinal) && l.Contains($"user=\"{alice.User}\"", StringComparison.Ordinal)) ?? "",
            l => l.Length > 0, what: "the memory gauge of the user");
        Assert.Contains($"group=\"{alice.Group}\"", gauge, StringComparison.Ordinal);
        Assert.True(double.Parse(gauge.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= Allocated, gauge);
        (await alice.Client.Get("utilization/history?window=2d")).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Get("utilization/history?window=1h&step=1s")).ExpectProblem(HttpStatusCode.BadRequest);

        // Once it ends, its use goes.
        (await alice.Client.Post($"runs/{id}/stop")).Expect(HttpStatusCode.OK);
        await Eventually.Until(() => alice.Client.Get("utilization"), r => !r.Text.Contains($"\"user\":\"{alice.User}\"", StringComparison.Ordinal),
            what: "the stopped run's use to go");
    }

    [Fact]
    public async Task Storage_counts_each_users_distinct_content_once()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        var data = (await alice.Client.Post("datasets", new { name = "images" })).Expect(HttpStatusCode.Created)["id"];
        var model = (await alice.Client.Post("models", new { name = "net" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{data}/versions", Archives.Tar(("a.txt", "alpha"), ("b.txt", "beta!")))).Expect(HttpStatusCode.Created);
        // Version 2 repeats a.txt's content under another name: stored, and counted, once.
        (await alice.Client.Upload($"datasets/{data}/versions", Archives.Tar(("a-copy.txt", "alpha"), ("c.txt", "gamma-ray")))).Expect(HttpStatusCode.Created);
        (await alice.Client.Upload($"models/{model}/versions", Archives.Tar(("weights.bin", new string('w', 1000))))).Expect(HttpStatusCode.Created);
        var bobs = (await bob.Client.Post("datasets", new { name = "own" })).Expect(HttpStatusCode.Created)["id"];
        (await bob.Client.Upload($"datasets/{bobs}/versions", Archives.Tar(("x.txt", "xyz")))).Expect(HttpStatusCode.Created);

        var storage = (await alice.Client.Get("storage")).Expect(HttpStatusCode.OK);
        var mine = storage.Json["users"]!.AsArray().Single(u => u!["user"]!.ToString() == alice.User)!;
        Assert.Equal(5 + 5 + 9, mine["datasets"]!.GetValue<long>());
        Assert.Equal(1000, mine["models"]!.GetValue<long>());
        Assert.Equal(0, mine["featuresets"]!.GetValue<long>());
        Assert.Equal(5 + 5 + 9 + 1000, mine["bytes"]!.GetValue<long>());
        Assert.DoesNotContain(bob.User, storage.Text, StringComparison.Ordinal);

        // The operator sees both.
        using var op = fixture.Operator;
        var all = (await op.Get("storage")).Expect(HttpStatusCode.OK);
        Assert.Equal(3, all.Json["users"]!.AsArray().Single(u => u!["user"]!.ToString() == bob.User)!["bytes"]!.GetValue<long>());

        // A deleted repository's content no longer counts; what the other repository holds still does.
        (await alice.Client.Delete($"models/{model}")).Expect(HttpStatusCode.NoContent);
        var after = (await alice.Client.Get("storage")).Expect(HttpStatusCode.OK).Json["users"]!.AsArray().Single(u => u!["user"]!.ToString() == alice.User)!;
        Assert.Equal(0, after["models"]!.GetValue<long>());
        Assert.Equal(5 + 5 + 9, after["bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_dashboard_counts_by_status_and_shows_recent_work_and_the_pool_with_its_queue()
    {
        using var alice = await fixture.NewTenantAsync(gpus: 1);
        using var bob = await fixture.NewTenantAsync(gpus: 1);
        var done = (await alice.Submit("done", 0, "true")).Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(done, "Complete");
        var holder = (await alice.Submit("holder", 1, "sleep 600")).Expect(HttpStatusCode.Created)["id"];
        var waiter = (await alice.Submit("waiter", 1, "true")).Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(waiter, "WaitingForGpus");
        (await bob.Submit("bobs", 0, "true")).Expect(HttpStatusCode.Created);

        var dashboard = (await alice.Client.Get("dashboard")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, dashboard["counts"]!["runs"]!["Complete"]!.GetValue<int>());
        Assert.Equal(1, dashboard["counts"]!["runs"]!["WaitingForGpus"]!.GetValue<int>());
        var recent = dashboard["recent"]!.AsArray().Select(r => r!["id"]!.ToString()).ToList();
        // Newest change first: the run that ended before the others were submitted comes after them.
        Assert.True(recent.IndexOf(done) > Math.Max(recent.IndexOf(waiter), recent.IndexOf(holder)) && recent.IndexOf(waiter) >= 0 && recent.IndexOf(holder) >= 0,
            string.Join(", ", recent));
        var pool = dashboard["pools"]!.AsArray().Single()!;
        Assert.Equal(alice.Group, pool["group"]!.ToString());
        Assert.Equal(waiter, pool["queue"]!.AsArray().Single()!["id"]!.ToString());
        Assert.DoesNotContain(bob.User, dashboard.ToJsonString(), StringComparison.Ordinal);
        (await alice.Client.Post($"runs/{holder}/stop")).Expect(HttpStatusCode.OK);
    }
}
