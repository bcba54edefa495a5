using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using DKube.Abstractions.Monitors;
using DKube.Grains.Faults;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Monitors;

/// <summary>
/// POSTs alert events to webhooks off the monitor grain's turn, one background task per delivery:
/// a webhook that is down or slow never holds up an evaluation. Each failed attempt is reported
/// back to the grain (so its delivery state shows the attempts and the last error), the next one
/// waits twice as long, and after <see cref="MonitorOptions.WebhookAttempts"/> the delivery is
/// <c>failed</c>. Deliveries still pending in a grain's state are handed here again when it
/// reactivates (after a restart); one delivery is never sent by two tasks of one silo at once.
/// </summary>
public sealed class WebhookSender(MonitorOptions options, WebhookPolicy policy, TimeProvider time, IGrainFactory grains, ILogger<WebhookSender> logger) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // Every connection (redirects too) goes through the policy's connect step, on the address it
    // resolves then; no proxy, whose address would be all that step saw.
    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = policy.ConnectAsync,
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts sending <paramref name="delivery"/> (from its next attempt) unless it is already being sent.</summary>
    public void Send(string monitor, WebhookDelivery delivery)
    {
        var key = $"{monitor}/{delivery.Id}";
        if (delivery.State != WebhookDelivery.Pending || !_inFlight.TryAdd(key, 0))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await DeliverAsync(monitor, delivery, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook delivery {Delivery} of monitor {Monitor} stopped; it resumes when the monitor reactivates", delivery.Id, monitor);
            }
            finally
            {
                _inFlight.TryRemove(key, out _);
            }
        });
    }

    private async Task DeliverAsync(string monitor, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var self = grains.GetGrain<IMonitorGrain>(monitor);
        for (var attempt = delivery.Attempts + 1; attempt <= options.WebhookAttempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(options.WebhookBackoff * Math.Pow(2, Math.Min(attempt - 2, 16)), time, cancellationToken);
            }

            var error = await PostAsync(delivery, cancellationToken);
            var state = error is null ? WebhookDelivery.Delivered : attempt == options.WebhookAttempts ? WebhookDelivery.Failed : WebhookDelivery.Pending;
            await TransientRetry.RunAsync(() => self.DeliveryUpdated(delivery.Id, state, attempt, error), TimeSpan.FromMinutes(1), logger,
                $"Reporting webhook delivery {delivery.Id} of monitor {monitor}", cancellationToken);
            if (state != WebhookDelivery.Pending)
            {
                return;
            }
        }
    }

    /// <summary>One POST; null when the webhook answered 2xx, else what went wrong.</summary>
    private async Task<string?> PostAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.WebhookTimeout);
        try
        {
            using var answer = await _client.PostAsJsonAsync(delivery.Url, delivery.Event, Json, timeout.Token);
            return answer.IsSuccessStatusCode ? null : $"{(int)answer.StatusCode} {answer.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e is OperationCanceledException ? $"no answer within {options.WebhookTimeout.TotalSeconds:0} s" : e.Message;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _client.Dispose();
        _stopping.Dispose();
    }
}
