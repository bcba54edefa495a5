using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Ides;

/// <summary>
/// TensorBoard started, served through the gateway and stopped, with a stand-in for TensorBoard
/// (which cannot be installed here): Python's http.server serving <c>DKUBE_TENSORBOARD_DIR</c> on
/// <c>PORT</c> under <c>DKUBE_BASE_URL</c>, set as <c>DKUBE_TENSORBOARD_COMMAND</c>.
/// </summary>
public sealed class TensorBoardTests(TensorBoardTests.Lab lab) : IClassFixture<TensorBoardTests.Lab>
{
    // The base URL's path is made to lead to the folder, so the unchanged paths the gateway forwards resolve.
    private const string StandIn =
        "mkdir -p \"srv$(dirname \"${DKUBE_BASE_URL%/}\")\" && ln -s \"$DKUBE_TENSORBOARD_DIR\" \"srv${DKUBE_BASE_URL%/}\" && cd srv "
        + "&& exec /usr/bin/python3 -m http.server \"$PORT\" --bind \"$DKUBE_BIND_ADDRESS\"";

    [Fact]
    public async Task A_runs_tensorboard_starts_serves_its_folder_to_owner_and_group_only_and_stops()
    {
        using var alice = await lab.Inner.NewTenantAsync();
        using var mallory = await lab.Inner.NewTenantAsync();
        var run = (await alice.Submit("train", 0, "echo step-1-loss-0.5 > \"$DKUBE_TENSORBOARD_DIR/events.txt\"; sleep 600")).Expect(HttpStatusCode.Created)["id"];
        await alice.WaitForStatus(run, "Running");
        (await mallory.Client.Post($"runs/{run}/tensorboard")).ExpectProblem(HttpStatusCode.NotFound);

        var board = (await alice.Client.Post($"runs/{run}/tensorboard")).Expect(HttpStatusCode.OK);
        Assert.Equal("tensorboard", board["kind"]);
        using var http = new HttpClient { BaseAddress = lab.Inner.Server.Server.Url };
        var served = await Eventually.Until(() => IdeGatewayTests.GetAsync(http, $"/runs/{run}/tensorboard/events.txt", alice.Client.Token),
            r => r.StatusCode == HttpStatusCode.OK, what: "the TensorBoard to serve the run's folder");
        var stranger = await IdeGatewayTests.GetAsync(http, $"/runs/{run}/tensorboard/events.txt", mallory.Client.Token);
        (await alice.Client.Delete($"runs/{run}/tensorboard")).Expect(HttpStatusCode.OK);
        await alice.WaitForStatus("tb-" + run, "Stopped", "ides");
        var stopped = await IdeGatewayTests.GetAsync(http, $"/runs/{run}/tensorboard/events.txt", alice.Client.Token);
        var again = (await alice.Client.Post($"runs/{run}/tensorboard")).Expect(HttpStatusCode.OK);
        var servedAgain = await Eventually.Until(() => IdeGatewayTests.GetAsync(http, $"/runs/{run}/tensorboard/events.txt", alice.Client.Token),
            r => r.StatusCode == HttpStatusCode.OK, what: "the TensorBoard started again");

        Assert.Equal("step-1-loss-0.5", (await served.Content.ReadAsStringAsync()).Trim());
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stopped.StatusCode);
        Assert.Equal("2", again["attempt"]);
        Assert.Equal("step-1-loss-0.5", (await servedAgain.Content.ReadAsStringAsync()).Trim());
        (await alice.Client.Delete($"runs/{run}/tensorboard")).Expect(HttpStatusCode.OK);
        (await alice.Client.Post($"runs/{run}/stop")).Expect(HttpStatusCode.OK);
    }


    /// <summary>The lab server with the stand-in as its TensorBoard command.</summary>
    public sealed class Lab : IAsyncLifetime
    {
        public LabFixture Inner { get; } = new([$"--TENSORBOARD_COMMAND={StandIn}"]);

        public Task InitializeAsync() => Inner.InitializeAsync();

        public Task DisposeAsync() => Inner.DisposeAsync();
    }
}
