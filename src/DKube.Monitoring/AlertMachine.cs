namespace DKube.Monitoring;

/// <summary>
/// The alert state machine, pure: each evaluation's value of the condition's subject moves the
/// status. A breach extends the run; the run reaching N fires the alert (once). A value that does
/// not breach resets the run and resolves a firing alert. A missing value (the subject was not
/// computed in that evaluation: no traffic, no ground truth yet) or NaN changes nothing.
/// </summary>
public static class AlertMachine
{
    /// <summary>The status after one evaluation, and the transition it caused, if any.</summary>
    public static (AlertStatus Status, AlertTransition? Transition) Step(AlertCondition condition, AlertStatus status, DateTimeOffset at, double? value)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            return (status, null);
        }

        if (condition.IsBreachedBy(v))
        {
            var breaches = status.Breaches + 1;
            return !status.Firing && breaches >= condition.ConsecutiveBreaches
                ? (new AlertStatus(true, breaches, at), new AlertTransition(AlertTransitionKind.Fired, at, v))
                : (status with { Breaches = breaches }, null);
        }

        return status.Firing
            ? (AlertStatus.Initial, new AlertTransition(AlertTransitionKind.Resolved, at, v))
            : (status with { Breaches = 0 }, null);
    }

    /// <summary>The history of transitions over a sequence of evaluations, from the initial status.</summary>
    public static IReadOnlyList<AlertTransition> Replay(AlertCondition condition, IEnumerable<(DateTimeOffset At, double? Value)> evaluations)
    {
        var status = AlertStatus.Initial;
        var history = new List<AlertTransition>();
        foreach (var (at, value) in evaluations)
        {
            (status, var transition) = Step(condition, status, at, value);
            if (transition is not null)
            {
                history.Add(transition);
            }
        }

        return history;
    }
}
