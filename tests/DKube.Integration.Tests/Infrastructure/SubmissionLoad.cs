using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>
/// A steady stream of run submissions in the background: remembers every id answered 201, counts
/// every answer by status, and keeps what no fault may ever produce (a 500, a non-problem error,
/// an answer slower than <see cref="AnswerBound"/>).
/// </summary>
public sealed class SubmissionLoad : IAsyncDisposable
{
    /// <summary>No request may hang longer than this, whatever is down.</summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(30);

    private readonly ApiClient _client;
    private readonly object _body;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _acknowledged = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Task _loop;
    private long _lastCreatedTicks;

    public SubmissionLoad(ApiClient client, object body, TimeSpan interval)
    {
        (_client, _body, _interval) = (client, body, interval);
        _loop = Task.Run(RunAsync);
    }

    public IReadOnlyCollection<string> Acknowledged => _acknowledged.ToArray();

    public IReadOnlyDictionary<string, int> Answers => new Dictionary<string, int>(_answers);

    public IReadOnlyCollection<string> Violations => _violations.ToArray();

    /// <summary>When the last 201 arrived (UTC).</summary>
    public DateTime LastCreated => new(Interlocked.Read(ref _lastCreatedTicks), DateTimeKind.Utc);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            string key;
            try
            {
                var reply = await _client.Post("runs", _body);
                key = ((int)reply.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (reply.Status == HttpStatusCode.Created)
                {
                    _acknowledged.Enqueue(reply["id"]);
                    Interlocked.Exchange(ref _lastCreatedTicks, DateTime.UtcNow.Ticks);
                }
                else if (reply.Status != HttpStatusCode.ServiceUnavailable || reply.ContentType != "application/problem+json")
                {
                    _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {reply}");
                }
            }
            catch (HttpRequestException e)
            {
                // The API process itself is up throughout; a refused connection would be a bug too.
                key = "no answer";
                _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} no answer: {e.Message}");
            }
            catch (TaskCanceledException)
            {
                key = "timeout";
                _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} no answer within the client's timeout");
            }

            _answers.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (clock.Elapsed > AnswerBound)
            {
                _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} answer took {clock.Elapsed.TotalSeconds:F1} s");
            }

            try
            {
                await Task.Delay(_interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
