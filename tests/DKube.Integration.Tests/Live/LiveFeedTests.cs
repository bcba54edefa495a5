using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Live;

/// <summary><c>GET /feeds/events</c> over real HTTP: order, resumption, isolation between groups, bad input.</summary>
public sealed class LiveFeedTests(LiveFixture fixture) : IClassFixture<LiveFixture>
{
    [Fact]
    public async Task A_subscriber_sees_a_queued_runs_transitions_in_order_and_nothing_of_another_group()
    {
        using var alice = await fixture.NewTenantAsync(gpus: 1);
        using var bob = await fixture.NewTenantAsync(gpus: 1);
        var (feed, _) = await SseStream.OpenAsync(fixture.Server.Url, alice.Client.Token, "workloads,pools");
        var (other, _) = await SseStream.OpenAsync(fixture.Server.Url, bob.Client.Token, "workloads,pools,utilization");
        await using (feed)
        await using (other)
        {
            // The first run holds the group's one GPU, so the second waits for it.
            var first = (await alice.Submit("holder", 1, "sleep 3")).Expect(HttpStatusCode.Created)["id"];
            var second = (await alice.Submit("waiter", 1, "true")).Expect(HttpStatusCode.Created)["id"];

            var statuses = new List<string>();
            while (statuses.LastOrDefault() != "Complete")
            {
                var next = await feed.NextAsync(e => e.Event == "workloads" && e.Workload.Id == second, $"the next status of {second}");
                if (statuses.LastOrDefault() != next.Workload.Status)
                {
                    statuses.Add(next.Workload.Status);
                }
            }

            Assert.Equal(["Queued", "WaitingForGpus", "Starting", "Running", "Complete"], statuses);
            Assert.Contains(feed.Seen, e => e.Event == "workloads" && e.Workload.Id == first && e.Workload.Status == "Complete");
            Assert.Contains(feed.Seen, e => e.Event == "pools" && e.Json["group"]!.ToString() == alice.Group);
            // Ids increase along the stream.
            var ids = feed.Seen.Select(e => long.Parse(e.Id!)).ToList();
            Assert.Equal(ids.Order(), ids);

            // Bob's own run comes after Alice's in the hub's order: once he has seen it end, he would have seen hers.
            var own = (await bob.Submit("bobs", 0, "true")).Expect(HttpStatusCode.Created)["id"];
            await other.NextAsync(e => e.Event == "workloads" && e.Workload == (own, "Complete"), "bob's own run");
            Assert.DoesNotContain(other.Seen, e => e.Data.Contains(alice.Group, StringComparison.Ordinal) || e.Data.Contains(alice.User, StringComparison.Ordinal));
            Assert.Contains(other.Seen, e => e.Event == "workloads" && e.Json["group"]!.ToString() == bob.Group);
        }
    }

    [Fact]
    public async Task A_subscriber_resumes_after_a_disconnect_without_missing_a_transition()
    {
        using var alice = await fixture.NewTenantAsync();
        var (feed, _) = await SseStream.OpenAsync(fixture.Server.Url, alice.Client.Token, "workloads");
        var id = (await alice.Submit("resumed", 1, "sleep 2")).Expect(HttpStatusCode.Created)["id"];
        string lastId;
        await using (feed)
        {
            lastId = (await feed.NextAsync(e => e.Event == "workloads" && e.Workload.Id == id, "the first status")).Id!;
        }

        // Disconnected while the run goes on to its end.
        await alice.WaitForStatus(id, "Complete");
        var (resumed, _) = await SseStream.OpenAsync(fixture.Server.Url, alice.Client.Token, "workloads", lastId);
        await using (resumed)
        {
            var statuses = new List<string>();
            while (statuses.LastOrDefault() != "Complete")
            {
                var next = await resumed.NextAsync(e => e.Event == "workloads" && e.Workload.Id == id, "a resumed status");
                Assert.True(long.Parse(next.Id!) > long.Parse(lastId), "an event before the resumed id came again");
                if (statuses.LastOrDefault() != next.Workload.Status)
                {
                    statuses.Add(next.Workload.Status);
                }
            }

            Assert.Equal(["Starting", "Running", "Complete"], statuses);
            Assert.DoesNotContain(resumed.Seen, e => e.Event == "reset");
        }
    }

    [Fact]
    public async Task Unknown_topics_and_malformed_ids_are_400_and_a_missing_token_is_401()
    {
        using var alice = await fixture.NewTenantAsync();
        var (unknown, response) = await SseStream.OpenAsync(fixture.Server.Url, alice.Client.Token, "workloads,nonsense");
        await using (unknown)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("nonsense", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (badId, badIdResponse) = await SseStream.OpenAsync(fixture.Server.Url, alice.Client.Token, "workloads", "not-a-number");
        await using (badId)
        {
            Assert.Equal(HttpStatusCode.BadRequest, badIdResponse.StatusCode);
        }

        var (anonymous, anonymousResponse) = await SseStream.OpenAsync(fixture.Server.Url, null, "workloads");
        await using (anonymous)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymousResponse.StatusCode);
        }
    }
}
