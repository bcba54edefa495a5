namespace DKube.Executors.Slurm;

/// <summary>
/// How to reach one Slurm cluster through slurmrestd. The server builds it from the cluster's
/// registered settings (<c>endpoint</c>, <c>user</c>, <c>token</c>, <c>apiVersion</c>,
/// <c>partition</c>, <c>outputDirectory</c>, <c>jobCompLog</c>; see
/// <c>SlurmExecutorFactory.OptionsOf</c> in DKube.Grains); the intervals and timeout keep their defaults.
/// </summary>
public sealed class SlurmOptions
{
    /// <summary>slurmrestd's address, e.g. <c>http://127.0.0.1:6820</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The OpenAPI plugin version slurmrestd was started with; Slurm 22.05 serves v0.0.36..v0.0.38.</summary>
    public string ApiVersion { get; init; } = "v0.0.38";

    /// <summary>Sent as X-SLURM-USER-NAME; jobs submitted through REST belong to this user.</summary>
    public required string UserName { get; init; }

    /// <summary>Sent as X-SLURM-USER-TOKEN (from <c>scontrol token username=U</c>).</summary>
    public required string Token { get; init; }

    /// <summary>
    /// Folder that receives each job's output file (<c>{id}.out</c>) and is its working folder.
    /// The executor reads logs from here, so it must be the same folder on the Slurm nodes and on
    /// this silo: true for a one-node cluster on this machine, a shared filesystem (NFS, Lustre)
    /// otherwise.
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// A folder this silo and every Slurm node see at the same path (NFS, Lustre; any local folder
    /// on a one-node cluster on this machine). Each job gets <c>{SharedPath}/{id}/</c>: the silo
    /// stages its inputs, code and output folder there, the job works in its <c>work/</c>
    /// subfolder, and what it writes to its output folder becomes the next version. Null: jobs
    /// get no inputs, code or output (a run that has any is refused).
    /// </summary>
    public string? SharedPath { get; init; }

    /// <summary>
    /// The <c>jobcomp/filetxt</c> log (JobCompLoc) if this silo can read it. Without slurmdbd a
    /// finished job vanishes from slurmrestd after MinJobAge; this log keeps its final state, so
    /// a watcher that missed the end still reports it rather than Lost.
    /// </summary>
    public string? JobCompLogPath { get; init; }

    /// <summary>Partition used when the spec names none (null: the cluster's default partition).</summary>
    public string? DefaultPartition { get; init; }

    /// <summary>PATH given to jobs whose environment has none (REST jobs get only the environment we send).</summary>
    public string DefaultPath { get; init; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>How often the watcher asks slurmrestd for job states: Slurm has no push.</summary>
    public TimeSpan StatusPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a followed log looks for new lines.</summary>
    public TimeSpan LogPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Timeout of one REST call when the executor builds its own HttpClient.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
