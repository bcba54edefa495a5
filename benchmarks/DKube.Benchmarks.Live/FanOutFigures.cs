using System.Diagnostics;
using System.Globalization;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Live;
using DKube.Abstractions.Tenancy;
using DKube.Api.Feeds;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Benchmarks.Live;

/// <summary>
/// N real SSE subscribers of <c>GET /feeds/events</c> on one embedded-default server, all members of
/// the group an event is published for. The subscribers run in a second process (this program in
/// <see cref="FanOutClients"/> mode), so their reading and JSON parsing neither shares the server's
/// thread pool nor counts in its CPU and memory; both processes still share the machine's cores, so
/// the load average is printed with each line. Each event is published as a grain publishes (through
/// <see cref="ILiveEvents"/>: the hub grain, the process's observer, the feed) and carries its publish
/// time, so every subscriber measures publish-to-receive. Two phases per N: a paced one (50 events/s,
/// latency at a sustainable rate) and a burst (events/s the server delivers to all subscribers, with
/// the server's CPU time and allocations per delivery: the per-subscriber cost of the path).
/// </summary>
public static class FanOutFigures
{
    private const int PacedEvents = 200;
    private const double PacedRate = 50;

    public static async Task RunAsync(IReadOnlyList<int> subscriberCounts)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-live-").FullName;
        await using var server = await DKubeServer.StartAsync(
            ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Error", "--SILO_PORT=21113", "--GATEWAY_PORT=32002",
             // One caller opening a thousand streams at once is what the limits refuse: this measures capacity.
             "--RATE_FEEDS_PER_SECOND=1000000", "--MAX_CONCURRENT_REQUESTS=100000", "--TENANT_QUEUE_LIMIT=100000"], TextWriter.Null);
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        var live = server.App.Services.GetRequiredService<ILiveEvents>();
        var feed = server.App.Services.GetRequiredService<LiveFeed>();
        await feed.Connected;
        await grains.GetGrain<IClusterGrain>("bench-live").Register(new ClusterSpec("bench-live", ClusterKind.Local, [new NodeInfo("n0", 1, 8, 64, [])], new Dictionary<string, string>()));
        await grains.GetGrain<IGroupGrain>("bench-live").Create(1, ["bench-live"], null, null);
        var token = await grains.GetGrain<IUserGrain>("bench-live-user").Create([Roles.DataScientist]);
        await grains.GetGrain<IGroupGrain>("bench-live").AddMember("bench-live-user");
        Console.WriteLine($"Live feed fan-out: {Environment.ProcessorCount} cores, subscribers in a second process, embedded PostgreSQL; load average {LoadAverage()}");
        Console.WriteLine("  N subs | paced 50 ev/s p50 / p99 ms | burst: deliveries/s  p99 ms  dropped  server CPU us/delivery  server B/delivery  clients CPU % | KiB/sub server, client | load 1/5/15 min");

        await using var clients = ClientProcess.Start(server.Url, token);
        foreach (var n in subscriberCounts)
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var clientBytes = double.Parse((await clients.AskAsync($"open {n}", "opened"))[1], CultureInfo.InvariantCulture);
            await WaitAsync(() => feed.Subscribers >= n, "every subscriber registered");
            var perSubscriber = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)n;

            var paced = await PhaseAsync(live, feed, clients, PacedEvents, PacedRate);
            var burstEvents = Math.Max(100, 100_000 / n);
            var burst = await PhaseAsync(live, feed, clients, burstEvents, rate: null);
            await clients.AskAsync("close", "closed");
            await WaitAsync(() => feed.Subscribers == 0, "every subscriber gone");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,7} | {paced.P50,12:F1} / {paced.P99,7:F1}   | {burst.Delivered,18:F0} {burst.P99,7:F1} {burst.Dropped,8} {burst.CpuPerDelivery,22:F2} {burst.BytesPerDelivery,18:F0} {burst.ClientsCpu,13:F0} | {perSubscriber / 1024,10:F1}, {clientBytes / 1024,6:F1} | {LoadAverage()}"));
            Console.WriteLine($"          paced, per hop p50 / p99 ms: {paced.Hops}");
        }
    }

    private sealed record PhaseFigures(double P50, double P99, double Delivered, int Dropped, double CpuPerDelivery, double BytesPerDelivery, double ClientsCpu, string Hops);

    private static async Task<PhaseFigures> PhaseAsync(ILiveEvents live, LiveFeed feed, ClientProcess clients, int events, double? rate)
    {
        var marker = Guid.NewGuid().ToString("N");
        await clients.AskAsync($"phase {marker} {events}", "ready");
        var hops = HopProbe.Start(feed, marker, events);
        var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            if (rate is { } r)
            {
                var due = TimeSpan.FromSeconds(i / r) - Stopwatch.GetElapsedTime(clock);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            // The user list carries the phase's marker, the time the publish time.
            await live.Publish(LiveTopics.Utilization, LiveScope.OfGroup("bench-live"),
                new GroupUtilization("bench-live", DateTimeOffset.UtcNow, [new UserUtilization(marker, i, null, 0, 0, 0)], []));
        }

        var done = await clients.AskAsync(null, "done", TimeSpan.FromMinutes(5));
        var hopFigures = await hops.ReportAsync(done);
        self.Refresh();
        var serverCpu = self.TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes() - allocated;
        double Figure(int i) => double.Parse(done[i], CultureInfo.InvariantCulture);
        var count = Figure(1);
        var wall = new DateTimeOffset(long.Parse(done[5], CultureInfo.InvariantCulture), TimeSpan.Zero) - started;
        return new PhaseFigures(Figure(2), Figure(3), count / wall.TotalSeconds, (int)Figure(4),
            serverCpu.TotalMicroseconds / count, bytes / count, Figure(6) / wall.TotalMilliseconds * 100, hopFigures);
    }

    /// <summary>The machine's load average (1, 5, 15 minutes), as <c>uptime</c> prints it: other work on the machine shows in every figure.</summary>
    private static string LoadAverage() => string.Join('/', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var until = Stopwatch.GetTimestamp();
        while (!done())
        {
            if (Stopwatch.GetElapsedTime(until) > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"Waited too long for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
