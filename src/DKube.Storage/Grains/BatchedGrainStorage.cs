using System.Globalization;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace DKube.Storage.Grains;

/// <summary>
/// Orleans grain storage on PostgreSQL whose writes go through the silo-wide
/// <see cref="GrainStateBatcher"/> (group commit), and which writes the read-model projection of
/// states that implement <see cref="IProjectedState"/> in the same transaction as the state.
/// Reads are look-ups coalesced across grains activating at once (<see cref="GrainStateReads"/>); a grain with no row yet is
/// looked up in <paramref name="legacy"/> (the ADO.NET provider's OrleansStorage) when given, so
/// what was stored before this provider is still found.
/// </summary>
public sealed class BatchedGrainStorage(
    GrainStateBatcher batcher, NpgsqlDataSource dataSource, IGrainStorageSerializer serializer, IGrainStorage? legacy) : IGrainStorage
{
    // Asked once: a database that never had the old provider's rows (every new one) skips the
    // second look-up that each new grain would otherwise cost.
    private Task<bool>? _legacyHasRows;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Coalesced with the look-ups of other grains activating at the same time (one statement for all).
        if (await batcher.Reads.ReadAsync(grainId.ToString(), stateName) is not { } stored)
        {
            if (legacy is not null && await LegacyHasRowsAsync())
            {
                await legacy.ReadStateAsync(stateName, grainId, grainState);
            }

            return;
        }

        grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
        if (stored.Payload is null)
        {
            grainState.RecordExists = false;
            return;
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData(stored.Payload));
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var version = await StoreAsync(stateName, grainId, grainState, serializer.Serialize(grainState.State).ToArray());
        grainState.ETag = version;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = await StoreAsync(stateName, grainId, grainState, null);
        grainState.RecordExists = false;
        // Orleans leaves resetting the in-memory state to the provider (as its own providers do):
        // without this a cleared grain that stays active still answers with what was deleted.
        grainState.State = Activator.CreateInstance<T>();
    }

    private async Task<string> StoreAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, byte[]? payload)
    {
        var read = string.IsNullOrEmpty(grainState.ETag) ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var write = PendingWrite.Of(grainId, stateName, read + 1, grainState.State, payload);
        await batcher.EnqueueAsync(write);
        return write.Version.ToString(CultureInfo.InvariantCulture);
    }

    private Task<bool> LegacyHasRowsAsync() => _legacyHasRows ??= QueryAsync();

    private async Task<bool> QueryAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM orleansstorage WHERE serviceid = @service)");
        command.Parameters.AddWithValue("service", batcher.ServiceId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
