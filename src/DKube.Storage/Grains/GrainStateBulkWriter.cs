using Orleans.Runtime;
using Orleans.Storage;

namespace DKube.Storage.Grains;

/// <summary>
/// Stores the first state of many grains at once, as if each grain had written it itself (same
/// serializer, same row, version 1, so the grain activates later from it with the ETag its own
/// first write would have given), all in one flush of the <see cref="GrainStateBatcher"/>: one
/// transaction, one multi-row statement for the states and one for their read-model rows. A grain
/// that already has a row is left alone (insert only if absent), so the caller can send it through
/// the grain instead. Used where a batch of new grains is accepted without activating any of them.
/// </summary>
public sealed class GrainStateBulkWriter(GrainStateBatcher batcher, IGrainStorageSerializer serializer)
{
    /// <summary>
    /// Stores each state where its grain has no row yet; answers, per state in order, null when it
    /// was stored, an <see cref="InconsistentStateException"/> when the grain had a row already
    /// (nothing of it written), or what else kept it from being stored.
    /// </summary>
    public Task<Exception?[]> InsertManyAsync<T>(string stateName, IReadOnlyList<(GrainId Grain, T State)> states) =>
        StoreManyAsync(states.Select(s => PendingWrite.Of(s.Grain, stateName, 1, s.State, serializer.Serialize(s.State).ToArray())).ToArray());

    /// <summary>
    /// Clears states that <see cref="InsertManyAsync{T}"/> stored and nothing has written since (a
    /// batch entry refused after it was stored), with their read-model rows, in one flush.
    /// </summary>
    public Task<Exception?[]> ClearInsertedAsync<T>(string stateName, IReadOnlyList<(GrainId Grain, T State)> states) =>
        StoreManyAsync(states.Select(s => PendingWrite.Of(s.Grain, stateName, 2, s.State, null)).ToArray());

    private async Task<Exception?[]> StoreManyAsync(PendingWrite[] writes)
    {
        batcher.EnqueueMany(writes);
        var outcomes = new Exception?[writes.Length];
        for (var i = 0; i < writes.Length; i++)
        {
            try
            {
                await writes[i].Done.Task;
            }
            catch (Exception e)
            {
                outcomes[i] = e;
            }
        }

        return outcomes;
    }
}
