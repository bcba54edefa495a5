namespace DKube.Scheduling;

/// <summary>
/// Estimates when each queued request starts by replaying the queue in order against the quota: running
/// requests hand their GPUs back at their expected end, and each started request at its own. Placement is
/// deliberately ignored; the estimate is about the group's quota, which is what users can reason about.
/// </summary>
internal static class StartTimeEstimator
{
    public static DateTimeOffset?[] Estimate(
        int size, QueuePolicy policy, IEnumerable<Admission> running, IReadOnlyCollection<QueuedRequest> queue, DateTimeOffset now)
    {
        var ends = new PriorityQueue<int, DateTimeOffset>();
        long free = size;
        foreach (var admission in running)
        {
            var gpus = admission.Gpus;
            if (gpus > 0)
            {
                free -= gpus;

                // An overrunning request is assumed to end any moment rather than in the past.
                ends.Enqueue(gpus, admission.ExpectedEnd > now ? admission.ExpectedEnd : now);
            }
        }

        var estimates = new DateTimeOffset?[queue.Count];
        var clock = now;
        var blocked = false;
        var i = 0;
        foreach (var waiting in queue)
        {
            var need = waiting.Request.TotalGpus;
            if (blocked || need > size)
            {
                // A head that cannot start holds everything behind it under strict FIFO; best effort lets others by.
                blocked |= policy == QueuePolicy.StrictFifo;
                estimates[i++] = null;
                continue;
            }

            // free plus the GPUs still due back always equals the size, so this loop ends with enough.
            while (free < need && ends.TryDequeue(out var returned, out var at))
            {
                free += returned;
                clock = at > clock ? at : clock;
            }

            estimates[i++] = clock;
            free -= need;
            if (need > 0)
            {
                ends.Enqueue(need, clock + waiting.Request.ExpectedDuration);
            }
        }

        return estimates;
    }
}
