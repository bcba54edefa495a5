using System.Threading.Channels;
using DKube.Api.Feeds;
using DKube.WebUi.Services;
using Microsoft.AspNetCore.Components;

namespace DKube.WebUi.Components;

/// <summary>
/// A page that shows API state and keeps it current from the live feed: it subscribes first, then
/// reads the state (so no change between the two is missed), then hands each event to
/// <see cref="OnEventAsync"/> on the circuit's thread. A dropped subscription (the circuit fell
/// behind) resumes after its last event, and re-reads the state when the feed no longer reaches back.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _gone = new();
    private Task? _reloading;
    private bool _reloadAgain;

    [Inject]
    protected DKubeUiClient Api { get; set; } = default!;

    /// <summary>What the last call answered when it failed (shown by the page).</summary>
    protected string? Error { get; set; }

    protected bool Loaded { get; private set; }

    protected CancellationToken Gone => _gone.Token;

    /// <summary>The feed topics this page follows.</summary>
    protected abstract IReadOnlyCollection<string> Topics { get; }

    /// <summary>Reads the page's state from the API.</summary>
    protected abstract Task LoadAsync();

    /// <summary>One event of <see cref="Topics"/> the caller may see; by default the state is read again.</summary>
    protected virtual Task OnEventAsync(FeedEvent feedEvent)
    {
        Reload();
        return Task.CompletedTask;
    }

    protected override async Task OnInitializedAsync()
    {
        LiveSubscription? subscription = null;
        try
        {
            subscription = await Api.SubscribeAsync(Topics, cancellationToken: Gone);
        }
        catch (ApiProblem e)
        {
            Error = e.Message;
        }

        await GuardedAsync(LoadAsync);
        Loaded = true;
        if (subscription is not null)
        {
            _ = FollowAsync(subscription);
        }
    }

    /// <summary>
    /// Reads again at most once per <see cref="ReloadInterval"/>: the first change reads at once, the
    /// changes that come while it reads or soon after cost one more read when the interval is over, not
    /// one each (a page whose read is costly, the pool's queue with its estimates, is not re-read per event).
    /// </summary>
    protected void Reload()
    {
        if (_reloading is { IsCompleted: false })
        {
            _reloadAgain = true;
            return;
        }

        _reloading = InvokeAsync(async () =>
        {
            do
            {
                _reloadAgain = false;
                var started = TimeProvider.System.GetTimestamp();
                await GuardedAsync(LoadAsync);
                StateHasChanged();
                var wait = ReloadInterval - TimeProvider.System.GetElapsedTime(started);
                if (_reloadAgain && wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, Gone).ConfigureAwait(true);
                    }
                    catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                    {
                        return; // The page was left.
                    }
                }
            }
            while (_reloadAgain && !Gone.IsCancellationRequested);
        });
    }

    /// <summary>The shortest time between two reads of a page's state that events ask for.</summary>
    protected virtual TimeSpan ReloadInterval => TimeSpan.FromMilliseconds(500);

    /// <summary>Runs an API call, keeping its problem for the page to show instead of breaking the circuit.</summary>
    protected async Task GuardedAsync(Func<Task> call)
    {
        try
        {
            await call();
            Error = null;
        }
        catch (ApiProblem e)
        {
            Error = e.Message;
        }
        catch (HttpRequestException e)
        {
            Error = e.Message;
        }
    }

    private async Task FollowAsync(LiveSubscription subscription)
    {
        try
        {
            while (!Gone.IsCancellationRequested)
            {
                using (subscription)
                {
                    await foreach (var feedEvent in subscription.Events.ReadAllAsync(Gone))
                    {
                        await InvokeAsync(async () =>
                        {
                            await OnEventAsync(feedEvent);
                            StateHasChanged();
                        });
                    }
                }

                // Dropped for falling behind: resume after the last event handed over.
                var last = subscription.LastId;
                subscription = await Api.SubscribeAsync(Topics, last > 0 ? last : null, Gone);
                if (subscription.MissedEvents || last == 0)
                {
                    Reload();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            // The page was left (or the circuit closed).
        }
        catch (ApiProblem e)
        {
            await InvokeAsync(() =>
            {
                Error = e.Message;
                StateHasChanged();
            });
        }
    }

    public void Dispose()
    {
        _gone.Cancel();
        _gone.Dispose();
        GC.SuppressFinalize(this);
    }
}
