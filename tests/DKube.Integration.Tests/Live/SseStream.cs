using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace DKube.Integration.Tests.Live;

/// <summary>A real HTTP client of <c>/feeds/events</c>: reads the stream as it comes and parses its events and comments.</summary>
public sealed class SseStream : IAsyncDisposable
{
    /// <summary>How long a test waits for one event (a loaded shared machine; the feed itself takes milliseconds).</summary>
    public static readonly TimeSpan EventWait = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private Task? _reading;

    private readonly List<SseEvent> _seen = [];

    /// <summary>
    /// Every event read so far, as a copy: the reader goes on appending while a test enumerates it
    /// (events now come the moment they happen, so an enumeration met an append: "Collection was modified").
    /// </summary>
    public IReadOnlyList<SseEvent> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public static async Task<(SseStream Stream, HttpResponseMessage Response)> OpenAsync(Uri server, string? token, string topics, string? lastEventId = null)
    {
        var stream = new SseStream();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, $"/api/v1/feeds/events?topics={topics}"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await stream._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.IsSuccessStatusCode)
        {
            stream._reading = stream.ReadAsync(response);
        }

        return (stream, response);
    }

    /// <summary>The next event that matches, skipping others (they stay in <see cref="Seen"/>).</summary>
    public async Task<SseEvent> NextAsync(Func<SseEvent, bool> wanted, string what)
    {
        using var timeout = new CancellationTokenSource(EventWait);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(timeout.Token);
                if (wanted(next))
                {
                    return next;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"No event for {what} within {EventWait}; seen: {string.Join(" | ", Seen.Select(s => $"{s.Id} {s.Event} {s.Data}"))}", e);
        }
    }

    private async Task ReadAsync(HttpResponseMessage response)
    {
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            string? id = null, name = null, data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data is not null)
                    {
                        var parsed = new SseEvent(id, name ?? "message", data);
                        lock (_seen)
                        {
                            _seen.Add(parsed);
                        }

                        _events.Writer.TryWrite(parsed);
                    }

                    (id, name, data) = (null, null, null);
                }
                else if (line.StartsWith(':'))
                {
                    _events.Writer.TryWrite(new SseEvent(null, "comment", line));
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Closed by the test or the server.
        }
        finally
        {
            _events.Writer.TryComplete();
            response.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reading is not null)
        {
            await _reading;
        }

        _http.Dispose();
        _stop.Dispose();
    }
}
