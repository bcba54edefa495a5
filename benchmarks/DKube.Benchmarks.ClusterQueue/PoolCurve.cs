using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DKube.Scheduling;

namespace DKube.Benchmarks.ClusterQueue;

/// <summary>
/// One group's pool (pure <see cref="GroupPool"/>) with n requests queued behind a full quota of 64
/// GPUs on one 8 x 8 cluster, for n = 1k, 10k, 100k: the time of one submit that joins the queue,
/// (the pool grain's submit, without a start estimate; and with one, as the library offers), one release of a running request (the head is admitted in its place), one release of a queued
/// request from the middle of the queue, the heap bytes each queued request costs, what persisting
/// the whole snapshot as JSON once costs (size and time: the pool grain's every write before its queue
/// had a table), and what the grain's write serializes now: the snapshot without the queue, plus the
/// entries that changed (one for a submit). The grain with its storage is measured by the admission
/// benchmark's <c>queue</c> mode.
/// Owners are spread over 100 users with the server's per-user queue quota (1,000) lifted to fit.
/// </summary>
internal static class PoolCurve
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Run(int operations)
    {
        Console.WriteLine($"DKube group pool curve: 64-GPU quota full, n requests queued, {operations} operations per column (mean us per operation)");
        Console.WriteLine("queued n   submit us  submit+estimate us  release-running us  release-queued us  bytes/queued  snapshot MiB  snapshot ms  no-queue bytes  no-queue us");
        foreach (var n in new[] { 1_000, 10_000, 100_000 })
        {
            var now = T0;
            var next = 0;
            GpuRequest Request() => new($"run-{next++:D8}", $"user-{next % 100:D3}", 1, 0, DistributionMode.Auto, [], false, TimeSpan.FromHours(1));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var pool = new GroupPool(64, QueuePolicy.BestEffortFifo, TimeSpan.FromMinutes(30), [new ClusterInventory("c", Enumerable.Range(0, 8).Select(i => new NodeSpec($"n{i}", 8, 64, 512, [])))])
            {
                QueueQuota = new QueueQuota(10_000, 1_000_000),
            };
            var running = new List<string>();
            for (var i = 0; i < 64; i++)
            {
                var request = Request();
                pool.Submit(request, now);
                running.Add(request.Id);
            }

            while (pool.QueueLength < n)
                pool.Submit(Request(), now, estimateStart: false);
            var after = GC.GetTotalMemory(forceFullCollection: true);

            // Submits that queue (each one joins the tail), then as many cancellations of those same new entries.
            var submitted = new List<string>(operations);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < operations; i++)
            {
                now += TimeSpan.FromMilliseconds(1);
                var request = Request();
                pool.Submit(request, now, estimateStart: false);
                submitted.Add(request.Id);
            }

            var submit = watch.Elapsed.TotalMicroseconds / operations;

            // The same with the start estimate (as a direct caller of the library may ask): a replay of the queue.
            watch.Restart();
            for (var i = 0; i < 20; i++)
            {
                var request = Request();
                pool.Submit(request, now);
                submitted.Add(request.Id);
            }

            var estimated = watch.Elapsed.TotalMicroseconds / 20;
            watch.Restart();
            foreach (var id in submitted)
                pool.Release(id, now);
            var releaseQueued = watch.Elapsed.TotalMicroseconds / submitted.Count;

            watch.Restart();
            var json = JsonSerializer.SerializeToUtf8Bytes(pool.Snapshot());
            var snapshotMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var state = JsonSerializer.SerializeToUtf8Bytes(pool.Snapshot(includeQueue: false));
            var stateUs = watch.Elapsed.TotalMicroseconds;

            // A running request ends: the head of the queue starts in its place (the queue shrinks by one each time).
            watch.Restart();
            for (var i = 0; i < operations; i++)
            {
                now += TimeSpan.FromMilliseconds(1);
                var ended = running[i % running.Count];
                var admitted = pool.Release(ended, now);
                running[i % running.Count] = admitted.Count > 0 ? admitted[0].Request.Id : ended;
            }

            var releaseRunning = watch.Elapsed.TotalMicroseconds / operations;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,8} {submit,11:F2} {estimated,19:F2} {releaseRunning,19:F2} {releaseQueued,18:F2} {(after - before) / (double)n,13:F0} {json.Length / 1048576.0,13:F1} {snapshotMs,12:F1} {state.Length,15} {stateUs,12:F0}"));
            GC.KeepAlive(pool);
        }
    }
}
