namespace DKube.Executors.Local;

/// <summary>What the executor keeps of a submitted run in <c>.dkube/run.json</c>, to reconcile it after a restart.</summary>
internal sealed record LocalRunRecord(
    string Id,
    WorkloadKind Kind,
    string User,
    string Group,
    DateTimeOffset SubmittedAt,
    TimeSpan? TimeLimit);
