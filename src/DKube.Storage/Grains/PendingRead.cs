namespace DKube.Storage.Grains;

/// <summary>
/// One grain's state look-up waiting for <see cref="GrainStateReads"/>; <see cref="Done"/> answers
/// the stored row, or null when the grain has none.
/// </summary>
internal sealed class PendingRead(string grainId, string stateName)
{
    public string GrainId { get; } = grainId;

    public string StateName { get; } = stateName;

    /// <summary>When it was asked (<see cref="System.Diagnostics.Stopwatch"/> ticks), for the time an activation waits for its state.</summary>
    public long Asked { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    public TaskCompletionSource<StoredState?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
