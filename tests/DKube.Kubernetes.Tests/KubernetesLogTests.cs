using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesLogTests
{
    [Fact]
    public async Task The_masters_log_is_read_from_the_pod_log_api()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-log-1", workers: 1), CancellationToken.None);
        var worker = h.Server.StartJobPod(id, 1, "Succeeded");
        var master = h.Server.StartJobPod(id, 0, "Succeeded");
        h.Server.LogOf(worker).Append("worker line\n", end: true);
        h.Server.LogOf(master).Append("epoch 1\nepoch 2\n", end: true);

        var lines = await h.Executor.ReadLogAsync(id, follow: false, CancellationToken.None).ToListAsync();

        Assert.Equal(["epoch 1", "epoch 2"], lines);
    }

    [Fact]
    public async Task A_followed_log_waits_for_the_pod_and_streams_until_the_container_ends()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-follow-1"), CancellationToken.None);
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var line in h.Executor.ReadLogAsync(id, follow: true, CancellationToken.None))
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        });

        var pod = h.Server.StartJobPod(id, 0);
        await Task.Delay(100);
        h.Server.LogOf(pod).Append("starting\n");
        h.Server.SetPodPhase(pod, "Running");
        await Eventually.TrueAsync(() => { lock (lines) { return lines.Count == 1; } }, "the first line");
        h.Server.LogOf(pod).Append("done\n", end: true);
        await reading.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(["starting", "done"], lines);
    }

    [Fact]
    public async Task The_log_of_unknown_work_is_empty()
    {
        await using var h = await KubernetesHarness.StartAsync();

        Assert.Empty(await h.Executor.ReadLogAsync("r-nobody-1", follow: true, CancellationToken.None).ToListAsync());
    }
}
