namespace DKube.Storage.Grains;

/// <summary>
/// One grain's state write (or clear, when <see cref="Payload"/> is null) waiting for a flush;
/// <see cref="Done"/> completes once the transaction that holds it has committed.
/// </summary>
internal sealed class PendingWrite(string grainId, string stateName, long version, byte[]? payload, Projection projection)
{
    public string GrainId { get; } = grainId;

    public string StateName { get; } = stateName;

    /// <summary>The version this write stores; the stored row must be at <c>Version - 1</c> (or absent).</summary>
    public long Version { get; } = version;

    public byte[]? Payload { get; } = payload;

    public Projection Projection { get; } = projection;

    /// <summary>When it was queued (<see cref="System.Diagnostics.Stopwatch"/> ticks), for the time a write waits for its flush.</summary>
    public long Enqueued { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public (string, string) Key => (GrainId, StateName);

    /// <summary>
    /// The write of <paramref name="state"/> at <paramref name="version"/> (or its clear, when
    /// <paramref name="serialized"/> is null) with the read-model changes the state projects.
    /// </summary>
    public static PendingWrite Of(Orleans.Runtime.GrainId grain, string stateName, long version, object? state, byte[]? serialized)
    {
        var projection = new Projection();
        var key = grain.Key.ToString()!;
        if (state is IProjectedState projected)
        {
            if (serialized is null)
                projected.ProjectClear(key, projection);
            else
                projected.ProjectWrite(key, projection);
        }

        return new PendingWrite(grain.ToString(), stateName, version, serialized, projection);
    }
}
