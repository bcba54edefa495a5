namespace DKube.Abstractions.Leaderboards;

public enum SubmissionStatus
{
    /// <summary>Accepted; its evaluation run has not ended yet.</summary>
    Pending,

    /// <summary>The evaluation wrote well-formed metrics with the sort metric.</summary>
    Scored,

    /// <summary>The evaluation failed or wrote no usable metrics (see the reason); never counted against the daily limit.</summary>
    Failed,
}
