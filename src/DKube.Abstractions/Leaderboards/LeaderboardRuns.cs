using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;

namespace DKube.Abstractions.Leaderboards;

/// <summary>The evaluation runs of leaderboards: how they are named and staged (hidden: <see cref="WorkloadView.OwnerOnly"/>).</summary>
public static class LeaderboardRuns
{
    /// <summary>The <see cref="WorkloadParent.Kind"/> of an evaluation run.</summary>
    public const string ParentKind = "leaderboard";

    /// <summary>The run's kind (what the run views show).</summary>
    public const string Kind = "evaluation";

    /// <summary>Where the submitted model version's files are staged (the variable names the folder).</summary>
    public const string SubmissionMount = "submission";

    public const string SubmissionVariable = "DKUBE_SUBMISSION_DIR";

    /// <summary>Where the evaluation's dataset version is staged, when it has one.</summary>
    public const string DataMount = "evaluation-data";

    public const string DataVariable = "DKUBE_EVALUATION_DATA_DIR";

    /// <summary>The file the evaluation writes to DKUBE_OUTPUT_DIR.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>The evaluation run of a submission: derived, so a retried create after a crash reaches the same run.</summary>
    public static string RunId(string project, string submission) => ResourceIds.Derive("r", $"leaderboard/{project}", submission);
}
