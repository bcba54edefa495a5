using System.Collections.Concurrent;
using DKube.Abstractions.Serving;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DKube.Api.Gateway;

/// <summary>
/// The gateway's routing tables: one <see cref="DeploymentTraffic"/> per deployment this process
/// has served, each following its deployment's routes (a long poll of <see cref="IDeploymentGrain.WaitRoutes"/>
/// that returns as soon as they change: the grain tells, nobody polls it) until no request came
/// for a while. Every <see cref="GatewayOptions.ReportInterval"/> (500 ms) it reports each busy
/// deployment's concurrency to its grain, whose autoscaler decides from those reports.
/// </summary>
public sealed class ServingGateway(IGrainFactory grains, GatewayOptions options, TimeProvider time, ILogger<ServingGateway> logger) : BackgroundService
{
    private static readonly TimeSpan FollowWait = TimeSpan.FromSeconds(20);
    private readonly ConcurrentDictionary<string, DeploymentTraffic> _table = new(StringComparer.Ordinal);

    /// <summary>This process' name in the deployments' load reports (each gateway's latest report counts once).</summary>
    public string GatewayId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The gateway's clock (requests are logged at its time).</summary>
    public TimeProvider Time => time;

    /// <summary>The deployment's traffic table, or null when it does not exist.</summary>
    public async Task<DeploymentTraffic?> FindAsync(string id)
    {
        if (_table.TryGetValue(id, out var known))
        {
            return known;
        }

        if (await grains.GetGrain<IDeploymentGrain>(id).GetRoutes() is not { } routes)
        {
            return null;
        }

        var traffic = new DeploymentTraffic(id, options.QueueDepth, time);
        traffic.Apply(routes);
        if (_table.TryAdd(id, traffic))
        {
            _ = FollowAsync(traffic, routes.Version);
            return traffic;
        }

        return _table.TryGetValue(id, out var other) ? other : traffic;
    }

    /// <summary>A request waits at a deployment with no replica (scaled to zero): tell it now, not at the next report.</summary>
    public void Wake(DeploymentTraffic traffic) =>
        _ = grains.GetGrain<IDeploymentGrain>(traffic.Id).ReportLoad(GatewayId, Math.Max(1, traffic.Load));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReportInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var traffic in _table.Values)
            {
                if (traffic.TakeAverageConcurrency() is { } concurrency)
                {
                    try
                    {
                        await grains.GetGrain<IDeploymentGrain>(traffic.Id).ReportLoad(GatewayId, concurrency);
                    }
                    catch (Exception e)
                    {
                        logger.LogDebug(e, "Load report of {Deployment} failed; the next one carries on", traffic.Id);
                    }
                }
            }
        }
    }

    private async Task FollowAsync(DeploymentTraffic traffic, long version)
    {
        var grain = grains.GetGrain<IDeploymentGrain>(traffic.Id);
        while (true)
        {
            if (time.GetElapsedTime(traffic.LastUsed) > options.IdleAfter && traffic.Load == 0)
            {
                _table.TryRemove(traffic.Id, out _);
                return;
            }

            try
            {
                var routes = await grain.WaitRoutes(version, FollowWait);
                if (routes is null)
                {
                    // Deleted: the next request asks again (and gets 404).
                    _table.TryRemove(traffic.Id, out _);
                    traffic.Apply(traffic.Routes! with { Status = DeploymentStatus.Stopped, Targets = [] });
                    return;
                }

                version = routes.Version;
                traffic.Apply(routes);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Following the routes of {Deployment} failed; trying again", traffic.Id);
                await Task.Delay(TimeSpan.FromSeconds(1), time);
            }
        }
    }
}
