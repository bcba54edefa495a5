using DKube.Abstractions.Clusters;
using DKube.Grains.Faults;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Clusters;

/// <summary>
/// When the membership declares a silo dead, every cluster's agent is made active again. An agent
/// is only activated by a call, and after its silo died nothing may call it: the runs it watched
/// would stay Running, holding their GPUs, until someone happened to touch the cluster. Each silo
/// does this (the calls are idempotent and clusters are few), so no single silo has to survive.
/// </summary>
public sealed class ClusterAgentKeeper(IClusterMembershipService membership, IGrainFactory grains, ILogger<ClusterAgentKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryBudget = TimeSpan.FromMinutes(2);
    private readonly CancellationTokenSource _stopping = new();
    private Task _watch = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterAgentKeeper), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _watch = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        try
        {
            // Registered with the first cluster; again here so a changed period takes effect.
            await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).EnsureRefresh();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not register the node refresh reminder; the next cluster registration does");
        }
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _watch.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The silo's stop is in a hurry: the watch ends on its own.
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        ClusterMembershipSnapshot? previous = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                // Silos long dead are in the first snapshot too: only deaths seen happening count.
                var died = previous is null
                    ? []
                    : snapshot.Members.Values
                        .Where(m => m.Status == SiloStatus.Dead && previous.GetSiloStatus(m.SiloAddress) != SiloStatus.Dead)
                        .Select(m => m.SiloAddress)
                        .ToList();
                previous = snapshot;
                if (died.Count > 0)
                {
                    logger.LogWarning("Silo(s) {Silos} died; making sure every cluster's agent is active", string.Join(", ", died));
                    await EnsureAgentsAsync();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task EnsureAgentsAsync()
    {
        try
        {
            var clusters = await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).List();
            await Task.WhenAll(clusters.Select(name =>
                TransientRetry.RunAsync(() => grains.GetGrain<IClusterGrain>(name).EnsureAgent(), RetryBudget, logger, $"Agent of cluster {name}")));
        }
        catch (Exception e)
        {
            // The next silo death, any call to the agent, or a silo start recovers them.
            logger.LogError(e, "Could not make sure every cluster's agent is active");
        }
    }
}
