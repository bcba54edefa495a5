namespace DKube.Executors.Slurm;

/// <summary>
/// Keys of <see cref="ExecutionSpec.BackendOptions"/> the Slurm executor understands. The DKube
/// fields are plain; extra sbatch options carry an <c>sbatch.</c> prefix and must be in the
/// allow-list below, which maps each to one field of the REST job description, so nothing
/// reaches Slurm that could change who runs the job or where its output goes. Keys without the
/// prefix that are not DKube fields belong to other backends and are ignored.
/// </summary>
public static class SlurmBackendOptions
{
    public const string Partition = "partition";
    public const string Account = "account";
    public const string Qos = "qos";

    public const string ExtraPrefix = "sbatch.";

    /// <summary><c>--constraint</c>: node features, e.g. <c>a100&amp;ib</c>.</summary>
    public const string Constraint = "sbatch.constraint";

    /// <summary><c>--reservation</c>.</summary>
    public const string Reservation = "sbatch.reservation";

    /// <summary><c>--nice</c>: an integer.</summary>
    public const string Nice = "sbatch.nice";

    /// <summary><c>--wckey</c>.</summary>
    public const string Wckey = "sbatch.wckey";

    /// <summary><c>--requeue</c> / <c>--no-requeue</c>: true or false (default false, so a node failure ends the run).</summary>
    public const string Requeue = "sbatch.requeue";

    /// <summary>The extra sbatch options accepted.</summary>
    public static IReadOnlySet<string> AllowedExtras { get; } =
        new HashSet<string>(StringComparer.Ordinal) { Constraint, Reservation, Nice, Wckey, Requeue };
}
