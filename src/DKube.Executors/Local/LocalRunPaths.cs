using System.Collections.Frozen;

namespace DKube.Executors.Local;

/// <summary>
/// The layout of one run's working folder. What the run sees sits at the top; what the executor
/// needs to adopt it after a restart sits in <c>.dkube/</c>, out of the way of the run's own files.
/// </summary>
internal sealed class LocalRunPaths(string root, string id)
{
    public const string ControlFolderName = ".dkube";
    public const string LogFileName = "output.log";
    public const string MetricsFileName = "metrics.jsonl";
    public const string TensorBoardFolderName = "tensorboard";
    public const string HyperparametersFileName = "hyperparameters.json";
    public const string EnvironmentFileName = "environment";

    /// <summary>Top-level names a mount may not take, because the executor writes them.</summary>
    public static readonly FrozenSet<string> ReservedNames = FrozenSet.Create(
        StringComparer.Ordinal, ControlFolderName, LogFileName, MetricsFileName, TensorBoardFolderName, HyperparametersFileName);

    public string WorkDir { get; } = Path.Combine(Path.GetFullPath(root), id);

    public string ControlDir => Path.Combine(WorkDir, ControlFolderName);

    public string LogFile => Path.Combine(WorkDir, LogFileName);

    public string MetricsFile => Path.Combine(WorkDir, MetricsFileName);

    public string TensorBoardDir => Path.Combine(WorkDir, TensorBoardFolderName);

    public string HyperparametersFile => Path.Combine(WorkDir, HyperparametersFileName);

    /// <summary>A run with its own account: its environment as a shell script only that account can read.</summary>
    public string EnvironmentFile => Path.Combine(ControlDir, EnvironmentFileName);

    /// <summary>Written by the executor before the process starts: proof that the id was submitted.</summary>
    public string RecordFile => Path.Combine(ControlDir, "run.json");

    /// <summary>Written by the wrapper itself before the command runs: "pid starttime".</summary>
    public string PidFile => Path.Combine(ControlDir, "pid");

    /// <summary>Written by the wrapper when the command ends: the command's exit status.</summary>
    public string ExitCodeFile => Path.Combine(ControlDir, "exit_code");

    /// <summary>Written by the executor before it signals a stop, so the outcome reads Stopped even after a restart.</summary>
    public string StopMarkerFile => Path.Combine(ControlDir, "stop_requested");

    /// <summary>Written by the executor when the run outlived its time limit.</summary>
    public string TimeLimitMarkerFile => Path.Combine(ControlDir, "time_limit_exceeded");
}
