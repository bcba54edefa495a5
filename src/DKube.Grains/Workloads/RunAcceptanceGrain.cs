using DKube.Abstractions.Live;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Telemetry;
using DKube.Storage.Grains;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace DKube.Grains.Workloads;

/// <inheritdoc cref="IRunAcceptanceGrain"/>
/// <remarks>
/// The order is what makes a 201 true and nothing leak: the runs are stored (Queued) before any
/// pool hears of them, so a pool never admits a run that is not stored; a run stored whose pool
/// was never told (the silo died between the two) is Queued without an allocation, which the
/// start-up recovery and the reconciler's sweep submit again (<see cref="WorkloadGrain.Recover"/>).
/// </remarks>
[StatelessWorker]
public sealed class RunAcceptanceGrain(
    GrainStateBulkWriter store, DKubeMetrics metrics, ILiveEvents live, TimeProvider time, ILogger<RunAcceptanceGrain> logger) : Grain, IRunAcceptanceGrain
{
    /// <summary>The name <see cref="WorkloadGrain"/> keeps its state under (its <c>[PersistentState]</c>).</summary>
    private const string StateName = "workload";

    public async Task<IReadOnlyList<RunAcceptance>> Accept(IReadOnlyList<RunSubmission> runs)
    {
        var now = time.GetUtcNow();
        // The state the workload grain's own create stores.
        var states = runs.Select(r => (Grain: GrainFactory.GetGrain<IWorkloadGrain>(r.Id).GetGrainId(), State: new WorkloadState
        {
            View = WorkloadGrain.FirstView(r.Id, WorkloadType.Run, r.Spec, r.Owner, now, r.ClonedFrom, r.Template, parent: null),
        })).ToList();
        var answers = Enumerable.Repeat(RunAcceptance.NotAccepted, runs.Count).ToArray();
        var stored = await store.InsertManyAsync(StateName, states);
        var refused = new List<int>();
        await Task.WhenAll(Enumerable.Range(0, runs.Count).Where(i => stored[i] is null).GroupBy(i => runs[i].Spec.Group).Select(async group =>
        {
            var indexes = group.ToList();
            IReadOnlyList<PoolDecision> decisions;
            try
            {
                decisions = await GrainFactory.GetGrain<IGroupPoolGrain>(group.Key)
                    .SubmitMany(indexes.Select(i => WorkloadGrain.PoolRequestOf(states[i].State.View!)).ToList());
            }
            catch (Exception e)
            {
                // Stored as Queued: each goes through its grain now, which submits it on its own.
                logger.LogWarning(e, "Submitting {Count} runs to the pool of {Group} at once failed; they are submitted one by one", indexes.Count, group.Key);
                return;
            }

            for (var k = 0; k < indexes.Count; k++)
            {
                var (i, decision) = (indexes[k], decisions[k]);
                var view = states[i].State.View!;
                switch (decision.Outcome)
                {
                    case PoolOutcome.Rejected:
                        lock (refused)
                        {
                            refused.Add(i);
                        }

                        answers[i] = new RunAcceptance(null, decision);
                        break;
                    case PoolOutcome.Queued:
                        // The pool's queue holds it (stored before the pool answered) at this place.
                        answers[i] = new RunAcceptance(view with { Status = WorkloadStatus.WaitingForGpus, QueuePosition = decision.Position }, null);
                        break;
                    default:
                        // Admitted: the pool tells the workload, which activates from the stored state and starts.
                        answers[i] = new RunAcceptance(view, null);
                        break;
                }
            }
        }));

        if (refused.Count > 0)
        {
            // Never acknowledged: leave no trace (as a refused single run). One not cleared stays
            // Queued; its grain answers the refusal (and stores it as an error) on the way below.
            var cleared = await store.ClearInsertedAsync(StateName, refused.Select(i => states[i]).ToList());
            for (var k = 0; k < refused.Count; k++)
            {
                if (cleared[k] is not null)
                {
                    answers[refused[k]] = RunAcceptance.NotAccepted;
                }
            }
        }

        foreach (var answer in answers)
        {
            if (answer.View is { } view)
            {
                metrics.Transition(view.Type, WorkloadStatus.Queued);
                // Queued on this silo for the feed's hub, which takes them in batches.
                await live.Publish(LiveTopics.Workloads, view.Audience, view);
            }
        }

        return answers;
    }
}
