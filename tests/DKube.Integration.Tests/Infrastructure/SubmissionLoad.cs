using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>
/// A steady stream of run submissions in the background: remembers every id answered 201, counts
/// every answer by status, and keeps what no fault may ever produce (a 500, a non-problem error,
/// an answer slower than <see cref="AnswerBound"/>). With idempotency keys it does what the README
/// tells a user to do: a submission answered 503 is sent again with the same key until it is answered.
/// With a batch size it sends <c>POST /runs:batch</c> of that many copies of the body instead, and
/// counts each item as a single submission's answer.
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
    private readonly bool _keyed;
    private readonly int _batch;
    private long _lastCreatedTicks;
    private string? _pendingKey;

    public SubmissionLoad(ApiClient client, object body, TimeSpan interval, bool idempotencyKeys = false, int batch = 0)
    {
        (_client, _body, _interval, _keyed, _batch) = (client, body, interval, idempotencyKeys, batch);
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
        // A keyed submission still unanswered is sent until it is: the user does not walk away
        // from a 503 that may have stored the run.
        var deadline = DateTime.UtcNow + AnswerBound;
        while (_pendingKey is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(_interval);
            await SubmitOnceAsync();
        }
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
            await SubmitOnceAsync();
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

    private async Task SubmitOnceAsync()
    {
        var clock = Stopwatch.StartNew();
        string key;
        if (_keyed)
        {
            _pendingKey ??= $"load-{Guid.NewGuid():N}";
        }

        try
        {
            var (path, body) = _batch > 0 ? ("runs:batch", new { runs = Enumerable.Repeat(_body, _batch) }) : ("runs", _body);
            var reply = _pendingKey is { } idempotencyKey
                ? await _client.Send(HttpMethod.Post, path, body, new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey })
                : await _client.Post(path, body);
            key = ((int)reply.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var answers = reply.Status == HttpStatusCode.OK && _batch > 0
                ? reply.Items.Select(i => ((HttpStatusCode)i!["status"]!.GetValue<int>(), i["run"]?["id"]?.ToString(), "application/problem+json", i.ToJsonString())).ToList()
                : [(reply.Status, reply.Status == HttpStatusCode.Created ? reply["id"] : null, reply.ContentType, reply.ToString())];
            foreach (var (status, id, contentType, text) in answers)
            {
                if (status == HttpStatusCode.Created)
                {
                    // A keyed retry answers the run the first attempt stored: count it once.
                    if (!_acknowledged.Contains(id!))
                    {
                        _acknowledged.Enqueue(id!);
                    }

                    Interlocked.Exchange(ref _lastCreatedTicks, DateTime.UtcNow.Ticks);
                }
                else if (status != HttpStatusCode.ServiceUnavailable || contentType != "application/problem+json")
                {
                    _violations.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {text}");
                }
            }

            if (answers.All(a => a.Item1 != HttpStatusCode.ServiceUnavailable))
            {
                _pendingKey = null;
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
    }
}

