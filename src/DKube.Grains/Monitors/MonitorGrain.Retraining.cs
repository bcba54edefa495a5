using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Workloads;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Monitors;

/// <summary>
/// The retraining action of alerts (<see cref="AlertRetrain"/>): a firing adds a retraining
/// (stored with its run's id before the run is created, so a create retried after a crash makes
/// the same run), its run is created as a child of the monitor, and the run's end comes back as
/// an event (<see cref="WorkloadEnded"/>), never by polling: a completed run's model version is
/// promoted to the deployment by its rolling model change. An alert has one retraining in flight
/// at a time; a firing meanwhile starts none.
/// </summary>
public sealed partial class MonitorGrain
{
    /// <summary>The <see cref="WorkloadParent.Kind"/> of a monitor's retraining run.</summary>
    public const string ParentKind = "monitor";

    /// <summary>Finished retrainings a monitor's view keeps (the newest); those in flight are always kept.</summary>
    private const int KeptRetrainings = 20;

    public async Task WorkloadEnded(WorkloadView ended)
    {
        if (state.State.View?.Retrainings?.FirstOrDefault(r => r.Run == ended.Id) is not { InFlight: true } retraining || !ended.Status.IsFinal())
        {
            return; // not ours, or told before (delivery is at least once)
        }

        await ConcludeRetrainingAsync(retraining, ended);
    }

    /// <summary>The retrainings with one added for each firing of an alert that retrains and has none in flight (the run ids taken from the state's counter).</summary>
    private IReadOnlyList<MonitorRetraining>? WithRetrainings(MonitorView view, IEnumerable<AlertEvent> events)
    {
        var all = view.Retrainings?.ToList() ?? [];
        foreach (var fired in events.Where(e => e.State == MonitorKinds.Firing))
        {
            if (view.Spec.Alerts.First(a => a.Name == fired.Alert).Retrain is not null && !all.Any(r => r.Alert == fired.Alert && r.InFlight))
            {
                all.Add(new MonitorRetraining($"{Id}-r{state.State.NextRetraining++}", fired.Alert, fired.Since, MonitorRetraining.Starting));
            }
        }

        if (all.Count == 0)
        {
            return view.Retrainings;
        }

        var finished = all.Count(r => !r.InFlight);
        return all.Where(r => r.InFlight || finished-- <= KeptRetrainings).ToList();
    }

    /// <summary>Creates the runs of retrainings not created yet (a failure leaves them for the next evaluation or activation).</summary>
    private async Task StartRetrainingsAsync()
    {
        foreach (var retraining in View.Retrainings?.Where(r => r.State == MonitorRetraining.Starting).ToList() ?? [])
        {
            await CreateRetrainingAsync(retraining);
        }
    }

    /// <summary>
    /// After a restart: a retraining whose run was perhaps never created is created (the same id,
    /// so nothing runs twice); a running one is looked at once, and concluded when its run ended
    /// while the monitor was away. Never a timer: the ends come as events.
    /// </summary>
    private async Task RecoverRetrainingsAsync()
    {
        foreach (var retraining in View.Retrainings?.Where(r => r.InFlight).ToList() ?? [])
        {
            if (retraining.State == MonitorRetraining.Starting)
            {
                await CreateRetrainingAsync(retraining);
            }
            else if (await GrainFactory.GetGrain<IWorkloadGrain>(retraining.Run).Get() is { } run && run.Status.IsFinal())
            {
                await ConcludeRetrainingAsync(retraining, run);
            }
        }
    }

    private async Task CreateRetrainingAsync(MonitorRetraining retraining)
    {
        if (View.Spec.Alerts.FirstOrDefault(a => a.Name == retraining.Alert)?.Retrain?.Run is not { } spec)
        {
            await ReplaceRetrainingAsync(retraining with { State = MonitorRetraining.Failed, Reason = "the alert no longer retrains", EndedAt = time.GetUtcNow() });
            return;
        }

        try
        {
            var run = await GrainFactory.GetGrain<IWorkloadGrain>(retraining.Run)
                .CreateChild(WorkloadType.Run, spec, View.Owner, new WorkloadParent(ParentKind, Id, this.GetGrainId(), retraining.Alert));
            logger.LogInformation("Monitor {Monitor}: alert {Alert} started retraining run {Run}", Id, retraining.Alert, retraining.Run);
            if (run.Status.IsFinal())
            {
                await ConcludeRetrainingAsync(retraining, run);
            }
            else if (View.Retrainings?.FirstOrDefault(r => r.Run == retraining.Run) is { State: MonitorRetraining.Starting })
            {
                await ReplaceRetrainingAsync(retraining with { State = MonitorRetraining.Running });
            }
        }
        catch (DomainException e)
        {
            // Refused (its group can never fit it, a repository gone): a failed retraining, not a retry.
            await ReplaceRetrainingAsync(retraining with { State = MonitorRetraining.Failed, Reason = $"the run was refused: {e.Message}", EndedAt = time.GetUtcNow() });
        }
        catch (Exception e)
        {
            // A silo or the database away: the next evaluation or activation creates it, with the same id.
            logger.LogWarning(e, "Monitor {Monitor}: retraining run {Run} not created yet", Id, retraining.Run);
        }
    }

    /// <summary>
    /// A retraining's run ended: a completed run's model version is promoted (when the alert says
    /// so) through the deployment's model change, which keeps the old replicas until new ones answer.
    /// Promoting the same version again changes nothing, so a redelivered end is harmless.
    /// </summary>
    private async Task ConcludeRetrainingAsync(MonitorRetraining retraining, WorkloadView ended)
    {
        var promote = View.Spec.Alerts.FirstOrDefault(a => a.Name == retraining.Alert)?.Retrain?.Promote == true;
        var now = time.GetUtcNow();
        MonitorRetraining done;
        if (ended.Status != WorkloadStatus.Complete)
        {
            done = retraining with { State = MonitorRetraining.Failed, Reason = $"the run ended {ended.Status}{(ended.Reason is { } why ? $": {why}" : "")}", EndedAt = now };
        }
        else if (ended.OutputVersion is not { } version || ended.Spec.Output is not { RepoId: { } repoId } output)
        {
            done = retraining with { State = MonitorRetraining.Failed, Reason = "the run completed without a model version", EndedAt = now };
        }
        else if (!promote)
        {
            done = retraining with { State = MonitorRetraining.Completed, Version = version, EndedAt = now };
        }
        else
        {
            try
            {
                await GrainFactory.GetGrain<IDeploymentGrain>(View.Spec.Deployment)
                    .Update(new DeploymentChange(new DeploymentModel(output.Name, repoId, version), null, null, null));
                done = retraining with { State = MonitorRetraining.Promoted, Version = version, EndedAt = now };
            }
            catch (DomainException e)
            {
                // The deployment is gone or cannot change: the version stays made, the promotion is reported.
                done = retraining with { State = MonitorRetraining.Failed, Version = version, Reason = $"version {version} was not promoted: {e.Message}", EndedAt = now };
            }
        }

        await ReplaceRetrainingAsync(done);
        logger.LogInformation("Monitor {Monitor}: retraining run {Run} of alert {Alert} is {State} (version {Version}; {Reason})",
            Id, done.Run, done.Alert, done.State, done.Version, done.Reason);
    }

    private async Task ReplaceRetrainingAsync(MonitorRetraining retraining)
    {
        await SaveAsync(View with { Retrainings = View.Retrainings?.Select(r => r.Run == retraining.Run ? retraining : r).ToList() });
        await PublishViewAsync();
    }

    /// <summary>An alert that retrains names a resolved template whose output is a model repository (the version to promote).</summary>
    private static void ValidateRetrain(AlertSpec alert)
    {
        if (alert.Retrain is { } retrain && retrain.Run?.Output is not { Kind: RepoKinds.Model, RepoId: not null })
        {
            throw new DomainException(ErrorKind.Unprocessable, "invalid-retrain",
                $"alert '{alert.Name}': the template '{retrain.Template}' must output to a model (output.model), whose new version the retraining makes.",
                new Dictionary<string, string[]> { [$"alerts.{alert.Name}.retrain.template"] = ["must output to a model."] });
        }
    }
}
