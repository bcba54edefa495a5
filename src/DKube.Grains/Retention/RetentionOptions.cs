namespace DKube.Grains.Retention;

/// <summary>
/// How long what ended keeps its disk: run folders <see cref="RunRetention"/> after their
/// workload's last change (DKUBE_RUN_RETENTION_HOURS), unreferenced blobs
/// <see cref="BlobGrace"/> after they were stored or last reused (DKUBE_BLOB_GRACE_HOURS); both
/// swept every <see cref="SweepPeriod"/>.
/// </summary>
public sealed record RetentionOptions(TimeSpan RunRetention, TimeSpan BlobGrace, TimeSpan SweepPeriod);
