namespace DKube.Abstractions.Monitors;

/// <summary>
/// What monitors keep outside their grain state, in PostgreSQL: results as a time series, the
/// history of alert firings and resolutions, and uploaded ground truth. The monitor grain writes
/// results and alerts; the API reads them (listings never go through the grain) and stores ground truth.
/// </summary>
public interface IMonitorRecords
{
    Task AppendResultAsync(string monitor, MonitorResult result, CancellationToken cancellationToken = default);

    /// <summary>Results with <c>At &gt; since</c>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MonitorResult>> ReadResultsAsync(string monitor, DateTimeOffset? since, string? kind, int limit, CancellationToken cancellationToken = default);

    Task AppendAlertAsync(AlertEvent alert, CancellationToken cancellationToken = default);

    /// <summary>Alert events, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AlertEvent>> ReadAlertsAsync(string monitor, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores (or replaces, by request id) labels received at <paramref name="at"/>; returns how many rows were stored.</summary>
    Task<int> AddGroundTruthAsync(string monitor, IReadOnlyList<GroundTruthRow> rows, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The labels received in <c>[from, to)</c>.</summary>
    Task<IReadOnlyList<GroundTruthRow>> ReadGroundTruthAsync(string monitor, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Forgets everything of the monitor.</summary>
    Task DeleteAsync(string monitor, CancellationToken cancellationToken = default);
}
