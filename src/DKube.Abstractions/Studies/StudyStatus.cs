namespace DKube.Abstractions.Studies;

/// <summary>A study's state, in the run status words it shares.</summary>
public enum StudyStatus
{
    Running,

    /// <summary>Ended by its goal, its trial budget or an exhausted search space.</summary>
    Complete,

    /// <summary>maxFailedTrialCount trials failed.</summary>
    Failed,

    Stopped,
}
