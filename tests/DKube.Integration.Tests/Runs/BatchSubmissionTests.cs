using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Runs;

/// <summary>POST /runs:batch: many specs in one request, each answered on its own.</summary>
public sealed class BatchSubmissionTests(LabFixture lab) : IClassFixture<LabFixture>
{
    [Fact]
    public async Task Each_spec_is_answered_on_its_own_and_the_accepted_ones_run()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 2);
        var specs = Enumerable.Range(0, 40).Select(i => (object)new { name = $"t{i}", kind = "training", command = "echo trial", gpus = 0 }).ToList();
        specs.Insert(5, new { name = "bad name!", kind = "training", command = "true", gpus = 0 });
        specs.Insert(9, new { name = "huge", kind = "training", command = "true", gpus = 64 });

        var items = (await tenant.Client.Post("runs:batch", new { runs = specs })).Expect(HttpStatusCode.OK).Items;

        Assert.Equal(specs.Count, items.Count);
        Assert.Equal(Enumerable.Range(0, specs.Count), items.Select(i => i!["index"]!.GetValue<int>()));
        Assert.Equal(400, items[5]!["status"]!.GetValue<int>());
        Assert.Equal("https://dkube.io/problems/validation", items[5]!["problem"]!["type"]!.ToString());
        Assert.Equal(422, items[9]!["status"]!.GetValue<int>());
        Assert.Equal("https://dkube.io/problems/exceeds-pool", items[9]!["problem"]!["type"]!.ToString());
        var accepted = items.Where(i => i!["status"]!.GetValue<int>() == 201).Select(i => i!["run"]!["id"]!.ToString()).ToList();
        Assert.Equal(40, accepted.Count);
        Assert.Equal(40, accepted.Distinct().Count());
        foreach (var id in accepted)
        {
            await tenant.WaitForStatus(id, "Complete");
        }

        var listed = (await tenant.Client.Get("runs?scope=mine&limit=500")).Expect(HttpStatusCode.OK).Items.Strings("id");
        Assert.Superset(accepted.ToHashSet(), listed.ToHashSet());
    }

    [Fact]
    public async Task A_retried_batch_with_an_idempotency_key_reaches_the_runs_of_the_first()
    {
        using var tenant = await lab.NewTenantAsync();
        var body = new { runs = Enumerable.Range(0, 5).Select(i => new { name = $"k{i}", kind = "training", command = "true", gpus = 0 }) };
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "study-42" };

        var first = (await tenant.Client.Send(HttpMethod.Post, "runs:batch", body, headers)).Expect(HttpStatusCode.OK).Items;
        var again = (await tenant.Client.Send(HttpMethod.Post, "runs:batch", body, headers)).Expect(HttpStatusCode.OK).Items;

        Assert.Equal(first.Select(i => i!["run"]!["id"]!.ToString()), again.Select(i => i!["run"]!["id"]!.ToString()));
        Assert.All(again, i => Assert.Equal(201, i!["status"]!.GetValue<int>()));
        var listed = (await tenant.Client.Get("runs?scope=mine&limit=500")).Expect(HttpStatusCode.OK).Items.Strings("id");
        Assert.Equal(first.Select(i => i!["run"]!["id"]!.ToString()).Order(), listed.Order());

        // The same key with another spec at one index: that item is the one-run 409, the others still reach their runs.
        var changed = new { runs = Enumerable.Range(0, 5).Select(i => new { name = $"k{i}", kind = "training", command = i == 2 ? "false" : "true", gpus = 0 }) };
        var third = (await tenant.Client.Send(HttpMethod.Post, "runs:batch", changed, headers)).Expect(HttpStatusCode.OK).Items;
        Assert.Equal([201, 201, 409, 201, 201], third.Select(i => i!["status"]!.GetValue<int>()));
        Assert.Equal("https://dkube.io/problems/already-exists", third[2]!["problem"]!["type"]!.ToString());
    }

    [Fact]
    public async Task The_runs_of_a_batch_queue_in_their_pool_in_order_and_each_runs_once_as_gpus_free()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 2);
        var body = new { runs = Enumerable.Range(0, 8).Select(i => new { name = $"q{i}", kind = "training", command = "sleep 0.2", gpus = 1 }) };

        var items = (await tenant.Client.Post("runs:batch", body)).Expect(HttpStatusCode.OK).Items;

        Assert.All(items, i => Assert.Equal(201, i!["status"]!.GetValue<int>()));
        // The first two were admitted (their grains are told by the pool), the others wait at their place.
        Assert.Equal(["Queued", "Queued", .. Enumerable.Repeat("WaitingForGpus", 6)], items.Select(i => i!["run"]!["status"]!.ToString()));
        Assert.Equal([1, 2, 3, 4, 5, 6], items.Skip(2).Select(i => i!["run"]!["queuePosition"]!.GetValue<int>()));
        foreach (var id in items.Select(i => i!["run"]!["id"]!.ToString()))
        {
            await tenant.WaitForStatus(id, "Complete");
            Assert.Equal("1", (await tenant.Client.Get($"runs/{id}")).Expect(HttpStatusCode.OK)["attempt"]);
        }
    }

    [Fact]
    public async Task An_empty_or_oversized_batch_is_a_400()
    {
        using var tenant = await lab.NewTenantAsync();
        (await tenant.Client.Post("runs:batch", new { runs = Array.Empty<object>() })).ExpectProblem(HttpStatusCode.BadRequest);
        var tooMany = Enumerable.Range(0, 1_001).Select(i => new { name = $"x{i}", command = "true", gpus = 0 });
        (await tenant.Client.Post("runs:batch", new { runs = tooMany })).ExpectProblem(HttpStatusCode.BadRequest);
        (await tenant.Client.As(null).Post("runs:batch", new { runs = tooMany })).ExpectProblem(HttpStatusCode.Unauthorized);
    }
}
