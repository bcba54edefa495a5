using System.Diagnostics;
using System.Globalization;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Server;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// The group pool grain with n requests waiting (1k, 10k, 100k) behind its one GPU, on the embedded
/// default (real PostgreSQL, fsync on): the time of one submit that joins the queue and of one
/// release of a waiting request, each answered only once stored (one caller at a time, so each is its
/// own transaction); the bytes a write stores (the state row, and one queue entry row); and, at each
/// n, how long the pool takes to activate (its state and queue read back, indexes rebuilt).
/// </summary>
internal static class QueueCurve
{
    public static async Task<int> RunAsync(int operations)
    {
        var dataDir = Directory.CreateTempSubdirectory("dkube-bench-queue-").FullName;
        await using var server = await DKubeServer.StartAsync(
            ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Warning", "--SILO_PORT=21121", "--GATEWAY_PORT=32010"], TextWriter.Null);
        var grains = server.App.Services.GetRequiredService<IGrainFactory>();
        var database = server.App.Services.GetRequiredService<NpgsqlDataSource>();
        await grains.GetGrain<IClusterGrain>("queue").Register(
            new ClusterSpec("queue", ClusterKind.Local, [new NodeInfo("n0", 1, 8, 64, [])], new Dictionary<string, string>()));
        Console.WriteLine($"DKube group pool grain with n waiting (embedded PostgreSQL), {operations} operations per column, one caller: mean us per stored operation; load average {Load()}");
        Console.WriteLine("queued n   submit us  release-queued us  state bytes/write  entry bytes/write  activation ms  fill/s");
        var next = 0;
        foreach (var n in new[] { 1_000, 10_000, 100_000 })
        {
            var name = $"queue-{n}";
            var group = grains.GetGrain<IGroupGrain>(name);
            await group.Create(1, ["queue"], QueuePolicy.BestEffortFifo, null);
            await group.SetLimits(GroupLimits.None with { QueuedPerUser = 10_000_000, QueuedPerGroup = 10_000_000 });
            var pool = grains.GetGrain<IGroupPoolGrain>(name);
            // 64 submitters at once: each id taken once (a repeated id is the same request to the pool, which keeps one).
            PoolRequest Request()
            {
                var number = Interlocked.Increment(ref next);
                return new($"q{number:D9}", "training", $"user-{number % 100:D3}", 1, 0, DistributionMode.Auto, [], false, TimeSpan.FromHours(1), null);
            }

            await pool.Submit(Request());
            var fill = Stopwatch.StartNew();
            await ClosedLoop.RunAsync(64, n, _ => pool.Submit(Request()));
            var fillRate = n / fill.Elapsed.TotalSeconds;

            var submitted = new List<string>(operations);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < operations; i++)
            {
                var request = Request();
                await pool.Submit(request);
                submitted.Add(request.Id);
            }

            var submit = watch.Elapsed.TotalMicroseconds / operations;
            var (stateBytes, entryBytes) = await BytesAsync(database, name);
            watch.Restart();
            foreach (var id in submitted)
            {
                await pool.Release(id);
            }

            var release = watch.Elapsed.TotalMicroseconds / operations;

            // Every idle grain goes (the pool among them); the next call activates it from storage.
            await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            watch.Restart();
            var use = await pool.GetQueueUse("nobody");
            var activation = watch.Elapsed.TotalMilliseconds;
            var length = use.Single(u => u.Quota == "queued-per-group").Use;
            if (length != n)
            {
                throw new InvalidOperationException($"The pool came back with {length} waiting, not {n}.");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,8} {submit,11:F0} {release,18:F0} {stateBytes,18} {entryBytes,18:F0} {activation,14:F0} {fillRate,7:F0}"));
        }

        return 0;
    }

    private static async Task<(int State, double Entry)> BytesAsync(NpgsqlDataSource database, string pool)
    {
        await using var command = database.CreateCommand("""
            SELECT (SELECT length(payload) FROM dkube_grain_state WHERE state_name = 'pool' AND grain_id LIKE '%/' || @pool),
                   (SELECT avg(length(payload)) FROM dkube_queue_entries WHERE pool = @pool)
            """);
        command.Parameters.AddWithValue("pool", pool);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), (double)reader.GetDecimal(1));
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
