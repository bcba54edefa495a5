namespace DKube.Executors.Local;

/// <summary>The unprivileged uid and gid a run executes as (no passwd entry is needed for either).</summary>
internal readonly record struct RunAccount(int Uid, int Gid);
