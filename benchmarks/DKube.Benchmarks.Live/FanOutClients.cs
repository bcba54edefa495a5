using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DKube.Benchmarks.Live;

/// <summary>
/// The subscribers of <see cref="FanOutFigures"/>, in a process of their own (<c>clients URL TOKEN</c>),
/// so that reading and parsing a thousand streams does not run on the server's thread pool or count
/// in its CPU and memory. Driven by lines on stdin, answered by lines on stdout:
/// <c>open N</c> -> <c>opened BYTES-PER-SUBSCRIBER</c>; <c>phase MARKER EVENTS</c> -> <c>ready</c>, then
/// once every subscriber has that many events of the phase (or was dropped)
/// <c>done COUNT P50 P99 DROPPED LAST-RECEIPT-UTC-TICKS CPU-MS</c>; <c>close</c> -> <c>closed</c>.
/// </summary>
public static class FanOutClients
{
    public static async Task RunAsync(Uri server, string token)
    {
        var subscribers = new List<Subscriber>();
        HttpClient? http = null;
        CancellationTokenSource? stop = null;
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            switch (words[0])
            {
                case "open":
                    var n = int.Parse(words[1], CultureInfo.InvariantCulture);
                    http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = n + 16 }) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    stop = new CancellationTokenSource();
                    var before = GC.GetTotalMemory(forceFullCollection: true);
                    for (var i = 0; i < n; i++)
                    {
                        subscribers.Add(await Subscriber.OpenAsync(http, stop.Token));
                    }

                    Answer($"opened {(GC.GetTotalMemory(forceFullCollection: true) - before) / n}");
                    break;
                case "phase":
                    var phase = new Phase(words[1], int.Parse(words[2], CultureInfo.InvariantCulture), subscribers.Count);
                    foreach (var s in subscribers)
                    {
                        s.Start(phase);
                    }

                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    Answer("ready");
                    await phase.Finished.Task.WaitAsync(TimeSpan.FromMinutes(5));
                    cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    var latencies = subscribers.SelectMany(s => s.Latencies).Order().ToList();
                    Answer(string.Create(CultureInfo.InvariantCulture,
                        $"done {latencies.Count} {Quantiles.Of(latencies, 0.5):F3} {Quantiles.Of(latencies, 0.99):F3} {subscribers.Count(s => s.Dropped)} {subscribers.Max(s => s.LastReceipt)} {cpu.TotalMilliseconds:F0}"));
                    break;
                case "close":
                    await stop!.CancelAsync();
                    await Task.WhenAll(subscribers.Select(s => s.Reading));
                    subscribers.Clear();
                    http!.Dispose();
                    stop.Dispose();
                    Answer("closed");
                    break;
                default:
                    throw new InvalidOperationException($"Unknown command '{line}'.");
            }
        }
    }

    private static void Answer(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    /// <summary>One phase's marker and count; completes once every subscriber is through with it.</summary>
    private sealed class Phase(string marker, int events, int subscribers)
    {
        private int _remaining = subscribers;

        public byte[] Marker { get; } = Encoding.UTF8.GetBytes(marker);

        public int Events { get; } = events;

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OneFinished()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Finished.TrySetResult();
            }
        }
    }

    /// <summary>
    /// One SSE client: reads the stream's bytes, and for each event of the current phase the time since
    /// it was published (its <c>at</c>). It parses only the fields it needs, straight from UTF-8, so that
    /// the clients take as little as they can of the two cores the server also runs on.
    /// </summary>
    private sealed class Subscriber
    {
        private static readonly byte[] DataPrefix = "data: "u8.ToArray();
        private static readonly byte[] DroppedLine = "event: dropped"u8.ToArray();

        private readonly object _gate = new();
        private List<double> _latencies = [];
        private Phase? _phase;
        private int _received;
        private bool _finished;

        public Task Reading { get; private set; } = Task.CompletedTask;

        public bool Dropped { get; private set; }

        public long LastReceipt { get; private set; }

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

        public void Start(Phase phase)
        {
            lock (_gate)
            {
                (_phase, _latencies, _received, _finished, Dropped) = (phase, new List<double>(phase.Events), 0, false, false);
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
                {
                    var pipe = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken));
                    while (true)
                    {
                        var read = await pipe.ReadAsync(cancellationToken);
                        var buffer = read.Buffer;
                        while (buffer.PositionOf((byte)'\n') is { } end)
                        {
                            Line(buffer.Slice(0, end));
                            buffer = buffer.Slice(buffer.GetPosition(1, end));
                        }

                        pipe.AdvanceTo(buffer.Start, buffer.End);
                        if (read.IsCompleted)
                        {
                            return;
                        }
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        }

        private void Line(ReadOnlySequence<byte> sequence)
        {
            var line = sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();
            if (line.SequenceEqual(DroppedLine))
            {
                lock (_gate)
                {
                    Dropped = true;
                    Finish();
                }
            }
            else if (line.StartsWith(DataPrefix))
            {
                Data(line[DataPrefix.Length..]);
            }
        }

        private void Data(ReadOnlySpan<byte> json)
        {
            var now = DateTimeOffset.UtcNow;
            DateTimeOffset? at = null;
            var ours = false;
            var reader = new Utf8JsonReader(json);
            lock (_gate)
            {
                while (reader.Read() && (at is null || !ours))
                {
                    if (reader.TokenType != JsonTokenType.PropertyName)
                    {
                        continue;
                    }

                    if (reader.ValueTextEquals("at"u8) && reader.CurrentDepth == 1 && reader.Read())
                    {
                        at = reader.GetDateTimeOffset();
                    }
                    else if (reader.ValueTextEquals("user"u8) && reader.Read())
                    {
                        ours = _phase is not null && reader.ValueTextEquals(_phase.Marker);
                        if (!ours)
                        {
                            return;
                        }
                    }
                }

                if (!ours || at is null || _finished)
                {
                    return;
                }

                _latencies.Add((now - at.Value).TotalMilliseconds);
                LastReceipt = now.UtcTicks;
                if (++_received >= _phase!.Events)
                {
                    Finish();
                }
            }
        }

        private void Finish()
        {
            if (!_finished && _phase is not null)
            {
                _finished = true;
                _phase.OneFinished();
            }
        }
    }
}
