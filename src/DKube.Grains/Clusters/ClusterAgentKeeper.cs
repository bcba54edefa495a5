using DKube.Abstractions.Clusters;
using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Grains.Faults;
using DKube.Grains.Workloads;
using DKube.Storage.ReadModel;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Grains.Clusters;

/// <summary>
/// When the membership declares a silo dead, every cluster's agent is made active again. An agent
/// is only activated by a call, and after its silo died nothing may call it: the runs it watched
/// would stay Running, holding their GPUs, until someone happened to touch the cluster. Each silo
/// does this (the calls are idempotent and clusters are few), so no single silo has to survive.
/// The starts and stops that were in flight when the silo died (the request to the agent, or the
/// agent's step itself, died with it) are driven again at once by one survivor (the first active
/// silo by address), so a stranded workload waits seconds, not the reconciler's period.
/// </summary>
public sealed class ClusterAgentKeeper(
    IClusterMembershipService membership,
    IGrainFactory grains,
    ReadModelWriter readModel,
    ILocalSiloDetails silo,
    ILogger<ClusterAgentKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly string[] InFlight = [nameof(WorkloadStatus.Starting), nameof(WorkloadStatus.Stopping)];

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
                    if (snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)
                            .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal).FirstOrDefault() is { } first && first.Equals(silo.SiloAddress))
                    {
                        await RedriveAsync(cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Asks every workload that is Starting or Stopping to recover: re-submit or re-stop (both idempotent per execution id).</summary>
    private async Task RedriveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var ids = new List<string>();
            foreach (var kind in new[] { ResourceKinds.Run, ResourceKinds.Ide })
            {
                ids.AddRange((await readModel.FindByStatusAsync(kind, InFlight, cancellationToken: cancellationToken)).Select(r => r.Id));
            }

            if (ids.Count > 0)
            {
                logger.LogWarning("Driving again {Count} starts and stops that were in flight when a silo died", ids.Count);
                // In the background: the next membership change must not wait for this one's backlog.
                _ = Task.Run(() => WorkloadRecovery.RecoverEachAsync(grains, ids, RetryBudget, logger), CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The reconciler sweeps them within its period.
            logger.LogError(e, "Could not find the starts and stops in flight");
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
