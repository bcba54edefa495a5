namespace DKube.Storage.Predictions;

/// <summary>How the prediction log buffers, writes and forgets (README: DKUBE_PREDICTION_*).</summary>
public sealed record PredictionLogOptions
{
    /// <summary>Records waiting for the background writer; beyond that the gateway's records are dropped (and counted), never waited for.</summary>
    public int BufferCapacity { get; init; } = 10_000;

    /// <summary>Records per INSERT of the background writer.</summary>
    public int MaxBatch { get; init; } = 1_000;

    /// <summary>Records older than this are deleted.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often the old records are deleted.</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);
}
