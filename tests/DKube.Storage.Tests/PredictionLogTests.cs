using DKube.Abstractions.Serving;
using DKube.Storage.Migrations;
using DKube.Storage.Predictions;
using DKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DKube.Storage.Tests;

/// <summary>The prediction log on a real PostgreSQL: background and durable appends, window reads, statistics, drops, retention.</summary>
public sealed class PredictionLogTests : IAsyncLifetime
{
    // Whole milliseconds: PostgreSQL keeps microseconds, so what is read back compares equal.
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private NpgsqlDataSource _db = null!;
    private readonly TestMeters _meters = new();
    private readonly List<PostgresPredictionLog> _logs = [];

    public async Task InitializeAsync()
    {
        var connectionString = await SharedPostgres.NewDatabaseAsync();
        await MigrationRunner.MigrateAsync(connectionString);
        _db = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync()
    {
        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }

        await _db.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task AppendedRecordsAreReadBackInTheirWindowOldestFirst()
    {
        var log = NewLog();
        var records = Enumerable.Range(0, 10)
            .Select(i => new PredictionRecord("d1", $"r{i}", T0.AddSeconds(i), 200, 1.5 * i, $$"""{"instances":[[{{i}}]]}""", $$"""{"predictions":[{{i % 2}}]}"""))
            .Reverse()
            .ToList();
        await log.AppendAsync(records);
        await log.AppendAsync([new PredictionRecord("d2", "r3", T0.AddSeconds(3), 500, 9, null, null)]);

        var window = await ReadAsync(log, "d1", T0.AddSeconds(2), T0.AddSeconds(7));

        Assert.Equal(["r2", "r3", "r4", "r5", "r6"], window.Select(r => r.RequestId));
        Assert.Equal(records.Single(r => r.RequestId == "r4"), window[2]);
        Assert.Equal(T0.AddSeconds(4), window[2].At);
        var other = Assert.Single(await ReadAsync(log, "d2", T0, T0.AddHours(1)));
        Assert.Equal((500, (string?)null, (string?)null), (other.Status, other.Inputs, other.Outputs));
    }

    [Fact]
    public async Task ARequestIdIsLoggedOncePerDeploymentSoARetriedPostStoresNothingTwice()
    {
        var log = NewLog();
        var batch = new[] { new PredictionRecord("d", "same", T0, 200, 3, "{\"a\":1}", "{\"p\":1}"), new PredictionRecord("d", "other", T0, 200, 3, null, null) };
        await log.AppendAsync(batch);
        await log.AppendAsync(batch);
        await log.AppendAsync([batch[0] with { Inputs = "{\"a\":2}" }]);

        var all = await ReadAsync(log, "d", T0, T0.AddSeconds(1));

        Assert.Equal(2, all.Count);
        Assert.Equal("{\"a\":1}", all.Single(r => r.RequestId == "same").Inputs);
    }

    [Fact]
    public async Task TryAppendedRecordsAreWrittenInBatchesInTheBackground()
    {
        var log = NewLog(new PredictionLogOptions { MaxBatch = 500 });
        const int count = 5_000;
        for (var i = 0; i < count; i++)
        {
            Assert.True(log.TryAppend(new PredictionRecord("bg", $"r{i}", T0.AddMilliseconds(i), 200, i % 17, null, "{\"nul\":\"a\0b\"}")));
        }

        await Eventually.TrueAsync(() => log.Written == count, "every record to be written");
        var read = await ReadAsync(log, "bg", T0, T0.AddHours(1));
        Assert.Equal(count, read.Count);
        Assert.Equal(0, log.Dropped);
        // PostgreSQL's text refuses NUL; the record is kept with a replacement character instead of failing its batch.
        Assert.Equal("{\"nul\":\"a\uFFFDb\"}", read[0].Outputs);
    }

    [Fact]
    public async Task StatsCountsErrorsAndInterpolatesLatencyPercentilesPerBucket()
    {
        var log = NewLog();
        var random = new Random(11);
        var bucket = TimeSpan.FromMinutes(1);
        var records = new List<PredictionRecord>();
        // Three one-minute buckets with traffic, one empty between them (omitted in the answer).
        foreach (var (minute, n) in new[] { (0, 1), (1, 237), (3, 1_000) })
        {
            for (var i = 0; i < n; i++)
            {
                var status = random.Next(10) switch { 0 => 404, 1 => 503, 2 => 422, _ => 200 };
                var at = T0 + minute * bucket + TimeSpan.FromMilliseconds(random.Next(60_000));
                records.Add(new PredictionRecord("s", $"{minute}-{i}", at, status, Math.Round(random.NextDouble() * 250, 3), null, null));
            }
        }

        // A record outside the window must not count.
        records.Add(new PredictionRecord("s", "late", T0 + 4 * bucket, 500, 1e6, null, null));
        await log.AppendAsync(records);

        var stats = await log.StatsAsync("s", T0, T0 + 4 * bucket, bucket);

        var expected = records.Where(r => r.At < T0 + 4 * bucket)
            .GroupBy(r => T0 + (r.At - T0).Ticks / bucket.Ticks * bucket)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var latencies = g.Select(r => r.LatencyMs!.Value).Order().ToArray();
                return (From: g.Key, Requests: (long)g.Count(), Client: (long)g.Count(r => r.Status is >= 400 and < 500), Server: (long)g.Count(r => r.Status >= 500),
                    P50: Percentile(latencies, 0.5), P95: Percentile(latencies, 0.95), P99: Percentile(latencies, 0.99));
            })
            .ToList();
        Assert.Equal(expected.Select(e => (e.From, e.Requests, e.Client, e.Server)), stats.Select(s => (s.From, s.Requests, s.ClientErrors, s.ServerErrors)));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].P50, stats[i].P50Ms!.Value, 1e-9);
            Assert.Equal(expected[i].P95, stats[i].P95Ms!.Value, 1e-9);
            Assert.Equal(expected[i].P99, stats[i].P99Ms!.Value, 1e-9);
        }

        Assert.Empty(await log.StatsAsync("nobody", T0, T0 + 4 * bucket, bucket));
    }

    [Fact]
    public async Task AFullBufferDropsAndCountsRecordsWithoutBlockingAndKeepsTheRest()
    {
        var log = NewLog(new PredictionLogOptions { BufferCapacity = 10, MaxBatch = 10 });
        // The writer's INSERT waits behind this lock, so the buffer fills as under a slow database.
        await using var blocker = await _db.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE dkube_predictions IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        Assert.True(log.TryAppend(Record(0)));
        await Eventually.TrueAsync(() => log.Buffered == 0, "the writer to take the first record and wait on the lock");
        var accepted = Enumerable.Range(1, 15).Select(i => log.TryAppend(Record(i))).ToList();

        Assert.Equal(Enumerable.Repeat(true, 10).Concat(Enumerable.Repeat(false, 5)), accepted);
        Assert.Equal(5, log.Dropped);

        await transaction.RollbackAsync();
        await Eventually.TrueAsync(() => log.Written == 11, "the buffered records to be written once the database is back");
        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"r{i}"), (await ReadAsync(log, "full", T0, T0.AddHours(1))).Select(r => r.RequestId));

        static PredictionRecord Record(int i) => new("full", $"r{i}", T0.AddSeconds(i), 200, 1, null, null);
    }

    [Fact]
    public async Task RetentionDeletesRecordsOlderThanTheRetentionAtStartAndOnEverySweep()
    {
        var clock = new FakeTimeProvider(T0);
        var options = new PredictionLogOptions { Retention = TimeSpan.FromDays(30), RetentionInterval = TimeSpan.FromHours(1) };
        var log = NewLog(options);
        await log.AppendAsync([
            new PredictionRecord("old", "a", T0 - TimeSpan.FromDays(31), 200, 1, "{}", "{}"),
            new PredictionRecord("old", "b", T0 - TimeSpan.FromDays(30) + TimeSpan.FromMinutes(30), 200, 1, null, null),
            new PredictionRecord("old", "c", T0 - TimeSpan.FromDays(1), 200, 1, null, null),
        ]);
        using var retention = new PredictionRetention(log, options, clock, NullLogger<PredictionRetention>.Instance);

        await retention.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => retention.Sweeps >= 1, "the first sweep");
        Assert.Equal(["b", "c"], (await ReadAsync(log, "old", T0.AddYears(-1), T0)).Select(r => r.RequestId));

        clock.Advance(options.RetentionInterval);
        await Eventually.TrueAsync(() => retention.Sweeps >= 2, "the next sweep");
        Assert.Equal(["c"], (await ReadAsync(log, "old", T0.AddYears(-1), T0)).Select(r => r.RequestId));
        await retention.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StatsCountRecordsWithoutStatusOrLatencyAsRequestsOnlyAndStoreThemAsUnknown()
    {
        var log = NewLog();
        // Posted predictions of an imported deployment: two carry both, one a status only, one neither.
        await log.AppendAsync([
            new PredictionRecord("u", "a", T0, 500, 10, null, null),
            new PredictionRecord("u", "b", T0.AddSeconds(1), 200, 30, null, null),
            new PredictionRecord("u", "c", T0.AddSeconds(2), 404, null, null, null),
            new PredictionRecord("u", "d", T0.AddSeconds(3), null, null, null, null),
            new PredictionRecord("none", "x", T0, null, null, null, null)]);

        var stats = Assert.Single(await log.StatsAsync("u", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1)));
        Assert.Equal((4L, 3L, 2L, 1L, 1L), (stats.Requests, stats.WithStatus, stats.WithLatency, stats.ClientErrors, stats.ServerErrors));
        Assert.Equal((20.0, 29.0, 29.8), (stats.P50Ms!.Value, stats.P95Ms!.Value, Math.Round(stats.P99Ms!.Value, 9)));
        Assert.Equal(((int?)null, (double?)null), (await ReadAsync(log, "u", T0, T0.AddMinutes(1))).Select(r => (r.Status, r.LatencyMs)).Last());
        // A bucket without any latency has no percentiles (the aggregate is NULL, not an array).
        var unknown = Assert.Single(await log.StatsAsync("none", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1)));
        Assert.Equal((1L, 0L, 0L, (double?)null), (unknown.Requests, unknown.WithStatus, unknown.WithLatency, unknown.P99Ms));
    }

    /// <summary>The linear interpolation between closest ranks (PostgreSQL's percentile_cont, numpy's default).</summary>
    private static double Percentile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    [Fact]
    public async Task ReadNewestLimitsTheWindowInTheDatabaseAndAnswersOldestFirst()
    {
        var log = NewLog();
        await log.AppendAsync(Enumerable.Range(0, 20).Select(i => new PredictionRecord("d", $"r{i:00}", T0.AddSeconds(i / 2), 200, 1, null, null)).ToList());

        var newest = await ToListAsync(log.ReadNewestAsync("d", T0, T0.AddSeconds(9), 5));

        // The window ends before r18/r19; ties in time are ordered by request id, as the full read orders them.
        Assert.Equal(["r13", "r14", "r15", "r16", "r17"], newest.Select(r => r.RequestId));
        Assert.Equal(18, (await ToListAsync(log.ReadNewestAsync("d", T0, T0.AddSeconds(9), 1000))).Count);
    }

    [Fact]
    public async Task ReadLabelledJoinsTheLabelsReceivedInTheirWindowToTheLoggedRequestsByIdOrBatchId()
    {
        var log = NewLog();
        await log.AppendAsync(Enumerable.Range(0, 10).Select(i => new PredictionRecord("d", $"r{i}", T0.AddSeconds(i), 200, 1, null, null)).ToList());
        await log.AppendAsync([new PredictionRecord("other", "r1", T0, 200, 1, null, null)]);
        var records = new DKube.Storage.Monitors.PostgresMonitorRecords(_db);
        // r1 by id, r2 by its batch's second instance, r3 labelled too late, r4 received before the window, r42 never logged.
        await records.AddGroundTruthAsync("m", [new("r1", "a"), new("r2#1", "b"), new("r42", "c")], T0.AddMinutes(1));
        await records.AddGroundTruthAsync("m", [new("r3", "a")], T0.AddMinutes(5));
        await records.AddGroundTruthAsync("m", [new("r4", "a")], T0.AddSeconds(-1));
        await records.AddGroundTruthAsync("another-monitor", [new("r5", "a")], T0.AddMinutes(1));

        var labelled = await ToListAsync(log.ReadLabelledAsync("d", "m", T0, T0.AddMinutes(2), T0, T0.AddHours(1)));

        Assert.Equal(["r1", "r2"], labelled.Select(r => r.RequestId));
        Assert.All(labelled, r => Assert.Equal("d", r.Deployment));
        // The log's window bounds it too.
        Assert.Equal(["r2"], (await ToListAsync(log.ReadLabelledAsync("d", "m", T0, T0.AddMinutes(2), T0.AddSeconds(2), T0.AddHours(1)))).Select(r => r.RequestId));
    }

    private static async Task<List<PredictionRecord>> ToListAsync(IAsyncEnumerable<PredictionRecord> records)
    {
        var list = new List<PredictionRecord>();
        await foreach (var record in records)
        {
            list.Add(record);
        }

        return list;
    }

    private PostgresPredictionLog NewLog(PredictionLogOptions? options = null)
    {
        var log = new PostgresPredictionLog(_db, options ?? new PredictionLogOptions(), _meters, NullLogger<PostgresPredictionLog>.Instance);
        _logs.Add(log);
        return log;
    }

    private static Task<List<PredictionRecord>> ReadAsync(PostgresPredictionLog log, string deployment, DateTimeOffset from, DateTimeOffset to) =>
        ToListAsync(log.ReadAsync(deployment, from, to));
}
