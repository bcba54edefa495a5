using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Live;
using DKube.Abstractions.Tenancy;
using DKube.Api.Feeds;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Benchmarks.Live;

/// <summary>
/// N real SSE subscribers of <c>GET /feeds/events</c> on one embedded-default server, all members of
/// the group an event is published for. Each event is published as a grain publishes (through
/// <see cref="ILiveEvents"/>: the hub grain, the process's observer, the feed) and carries its publish
/// time, so every subscriber measures publish-to-receive. Two phases per N: a paced one (50 events/s,
/// latency at a sustainable rate) and a burst (events/s the process delivers to all subscribers).
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
        Console.WriteLine($"Live feed fan-out: {Environment.ProcessorCount} cores, server and subscribers in one process, embedded PostgreSQL");

        foreach (var n in subscriberCounts)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = n + 16 }) { BaseAddress = server.Url, Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var stop = new CancellationTokenSource();
            var subscribers = new List<Subscriber>();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < n; i++)
            {
                subscribers.Add(await Subscriber.OpenAsync(http, stop.Token));
            }

            await WaitAsync(() => feed.Subscribers >= n, "every subscriber registered");
            var perSubscriber = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)n;

            var paced = await PhaseAsync(live, subscribers, PacedEvents, PacedRate);
            var burstEvents = Math.Max(100, 100_000 / n);
            var burst = await PhaseAsync(live, subscribers, burstEvents, rate: null);
            await stop.CancelAsync();
            await Task.WhenAll(subscribers.Select(s => s.Reading));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,5} subscribers  paced {PacedRate} ev/s: p50={paced.P50,7:F1} ms p99={paced.P99,7:F1} ms  |  burst of {burstEvents}: {burst.Delivered,9:F0} deliveries/s ({burst.Delivered / n,6:F0} events/s each) p99={burst.P99,8:F1} ms, dropped {burst.Dropped}  |  {perSubscriber / 1024,6:F1} KiB/subscriber (server + client side)"));
        }
    }

    private static async Task<(double P50, double P99, double Delivered, int Dropped)> PhaseAsync(
        ILiveEvents live, List<Subscriber> subscribers, int events, double? rate)
    {
        var marker = Guid.NewGuid().ToString("N");
        foreach (var s in subscribers)
        {
            s.Reset(marker);
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < events; i++)
        {
            if (rate is { } r)
            {
                var due = TimeSpan.FromSeconds(i / r) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            // The user list carries the phase's marker, the time the publish time.
            await live.Publish(LiveTopics.Utilization, LiveScope.OfGroup("bench-live"),
                new GroupUtilization("bench-live", DateTimeOffset.UtcNow, [new UserUtilization(marker, i, null, 0, 0, 0)], []));
        }

        await WaitAsync(() => subscribers.All(s => s.Received >= events || s.Dropped), $"{events} events at every subscriber", TimeSpan.FromMinutes(5));
        var wall = Stopwatch.GetElapsedTime(started);
        var latencies = subscribers.SelectMany(s => s.Latencies).Order().ToList();
        return (Quantiles.Of(latencies, 0.5), Quantiles.Of(latencies, 0.99), latencies.Count / wall.TotalSeconds, subscribers.Count(s => s.Dropped));
    }

    private static async Task WaitAsync(Func<bool> done, string what, TimeSpan? timeout = null)
    {
        var until = Stopwatch.GetTimestamp();
        while (!done())
        {
            if (Stopwatch.GetElapsedTime(until) > (timeout ?? TimeSpan.FromMinutes(2)))
            {
                throw new TimeoutException($"Waited too long for {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>One SSE client: reads the stream, and for each event of the current phase the time since it was published.</summary>
    private sealed class Subscriber
    {
        private readonly object _gate = new();
        private List<double> _latencies = [];
        private string _marker = "";

        public Task Reading { get; private set; } = Task.CompletedTask;

        public int Received { get; private set; }

        public bool Dropped { get; private set; }

        public IReadOnlyList<double> Latencies
        {
            get
            {
                lock (_gate)
                {
                    return [.. _latencies];
                }
            }
        }

        public void Reset(string marker)
        {
            lock (_gate)
            {
                (_marker, _latencies, Received, Dropped) = (marker, [], 0, false);
            }
        }

        public static async Task<Subscriber> OpenAsync(HttpClient http, CancellationToken cancellationToken)
        {
            var response = await http.GetAsync("/api/v1/feeds/events?topics=utilization", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            var subscriber = new Subscriber();
            subscriber.Reading = subscriber.ReadAsync(response, cancellationToken);
            return subscriber;
        }

        private async Task ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            try
            {
                using (response)
                using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)))
                {
                    string? eventName = null;
                    while (await reader.ReadLineAsync(cancellationToken) is { } line)
                    {
                        if (line.StartsWith("event: ", StringComparison.Ordinal))
                        {
                            eventName = line[7..];
                        }
                        else if (line.StartsWith("data: ", StringComparison.Ordinal))
                        {
                            Receive(eventName, line[6..]);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Receive(string? eventName, string data)
        {
            var now = DateTimeOffset.UtcNow;
            if (eventName == "dropped")
            {
                Dropped = true;
                return;
            }

            using var json = JsonDocument.Parse(data);
            var at = json.RootElement.GetProperty("at").GetDateTimeOffset();
            var marker = json.RootElement.GetProperty("users")[0].GetProperty("user").GetString();
            lock (_gate)
            {
                if (marker == _marker)
                {
                    _latencies.Add((now - at).TotalMilliseconds);
                    Received++;
                }
            }
        }
    }
}
