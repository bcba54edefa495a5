using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DKube.Storage.ReadModel;

/// <summary>
/// Listens on PostgreSQL for commits that change users, roles or memberships (the grain storage
/// and <see cref="ReadModelWriter"/> announce them on <see cref="ReadModelSql.CallersChannel"/>)
/// and calls <paramref name="changed"/>, so every API process drops its cached bearer tokens.
/// While the listening connection is down nothing is heard: <paramref name="changed"/> is also
/// called when it is lost and when it is back, and the cache's time-to-live bounds the rest.
/// </summary>
public sealed class CallerChangeListener(NpgsqlDataSource dataSource, Action changed, ILogger<CallerChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => changed();
                await using (var listen = new NpgsqlCommand($"LISTEN {ReadModelSql.CallersChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Whatever changed while nobody listened is unknown: start afresh.
                changed();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                changed();
                logger.LogWarning("Listening for caller changes failed ({Error}); retrying in {Delay}", e.Message, RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
