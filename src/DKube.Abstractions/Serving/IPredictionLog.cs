namespace DKube.Abstractions.Serving;

/// <summary>
/// The log of what deployments were asked and answered: written by the inference gateway (off the
/// request's path) and by <c>POST /deployments/{id}/predictions</c>; read by monitors (drift and
/// performance from the bodies, health from status and latency) and by a deployment's metrics.
/// One implementation, in PostgreSQL, shared by every process.
/// </summary>
public interface IPredictionLog
{
    /// <summary>
    /// Queues a record to be written in the background. Never blocks the caller; false when the
    /// bounded buffer is full and the record was dropped (counted in the log's metrics).
    /// </summary>
    bool TryAppend(PredictionRecord record);

    /// <summary>Stores the records before it returns (for posted predictions, which are acknowledged).</summary>
    Task AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default);

    /// <summary>A deployment's records with <c>from &lt;= At &lt; to</c>, oldest first.</summary>
    IAsyncEnumerable<PredictionRecord> ReadAsync(string deployment, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The newest <paramref name="limit"/> of a deployment's records with <c>from &lt;= At &lt; to</c>,
    /// oldest first: the limit is applied by the database, so a busy window is never read whole.
    /// </summary>
    IAsyncEnumerable<PredictionRecord> ReadNewestAsync(string deployment, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The deployment's records (<c>from &lt;= At &lt; to</c>) that a monitor has ground truth for,
    /// received in <c>[labelledFrom, labelledTo)</c>: the join of the labels to the log by request id
    /// (a label of <c>id#n</c>, an instance of a batch, joins the request <c>id</c>) runs in the
    /// database, so only labelled requests are read. Oldest first.
    /// </summary>
    IAsyncEnumerable<PredictionRecord> ReadLabelledAsync(
        string deployment, string monitor, DateTimeOffset labelledFrom, DateTimeOffset labelledTo, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default);

    /// <summary>Request counts and latency percentiles per <paramref name="bucket"/> over <c>[from, to)</c>, oldest first; empty buckets omitted.</summary>
    Task<IReadOnlyList<PredictionWindowStats>> StatsAsync(string deployment, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken = default);
}
