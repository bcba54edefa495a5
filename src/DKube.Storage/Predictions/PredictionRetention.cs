using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DKube.Storage.Predictions;

/// <summary>
/// Deletes prediction log records older than the retention, at start and then every interval.
/// Every silo runs it: the delete is idempotent, and one silo's sweep leaves the others little to do.
/// </summary>
public sealed class PredictionRetention(PostgresPredictionLog log, PredictionLogOptions options, TimeProvider clock, ILogger<PredictionRetention> logger) : BackgroundService
{
    /// <summary>Sweeps completed so far (tests wait on it).</summary>
    public long Sweeps => Interlocked.Read(ref _sweeps);

    private long _sweeps;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RetentionInterval, clock);
        try
        {
            do
            {
                await SweepAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            var deleted = await log.DeleteOlderThanAsync(clock.GetUtcNow() - options.Retention, stoppingToken);
            if (deleted > 0)
            {
                logger.LogInformation("Deleted {Count} prediction log records older than {Retention}", deleted, options.Retention);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // The next sweep deletes what this one could not.
            logger.LogWarning("Deleting old prediction log records failed ({Error})", e.Message);
        }

        Interlocked.Increment(ref _sweeps);
    }
}
