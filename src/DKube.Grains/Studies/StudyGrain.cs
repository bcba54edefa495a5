using DKube.Abstractions.Errors;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Studies;
using DKube.Abstractions.Workloads;
using DKube.Grains.Faults;
using DKube.Grains.Persistence;
using DKube.Tuning;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Studies;

/// <summary>
/// Drives one study: proposes trials with its seeded algorithm, creates each as a child run
/// (<c>{study}-t{index}</c>) of the same group pool, and on each trial's end (an event, never a
/// poll) reads its metrics, decides whether the study is over and adds the next trials.
/// Parallelism follows the pool: a trial is added only while the pool has the GPUs free for it
/// (or when none of the study's trials is active), so a study never queues ahead of other users.
/// </summary>
public sealed class StudyGrain(
    [PersistentState("study")] IPersistentState<StudyState> state,
    TimeProvider time,
    ILogger<StudyGrain> logger) : Grain, IStudyGrain, IRemindable
{
    /// <summary>
    /// The reminder that brings a running study back after a silo restart (it recovers once on
    /// activation) and retries trial creations a failure interrupted. It never reads the trials.
    /// </summary>
    private const string Reminder = "study";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Log lines read from one trial for StdOut metrics.</summary>
    private const int MaxLogLines = 100_000;

    private StudySpec? _spec;
    private ISearchAlgorithm? _search;

    private string Id => this.GetPrimaryKeyString();

    private StudyView View => state.State.View ?? throw new InvalidOperationException("No study.");

    private StudySpec Spec => _spec ??= KatibParser.Parse(state.State.Tuning);

    private ISearchAlgorithm Search => _search ??= SearchAlgorithms.Create(Spec, View.Seed);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.View is { Status: StudyStatus.Running })
        {
            try
            {
                await RecoverAsync();
            }
            catch (Exception e) when (e is not DomainException)
            {
                // The reminder activates the study again and the recovery is tried then.
                logger.LogWarning(e, "Study {Id} could not recover its trials yet", Id);
            }
        }
    }

    public async Task<StudyView> Create(string owner, WorkloadSpec template, string tuning)
    {
        if (state.State.View is { } existing)
        {
            return existing.Owner == owner && state.State.Tuning == tuning && state.State.Template == template
                ? existing
                : throw DomainException.Conflict("already-exists", $"Study '{Id}' already exists (its idempotency key was used for another request).");
        }

        StudySpec spec;
        try
        {
            spec = KatibParser.Parse(tuning);
        }
        catch (StudySpecException e)
        {
            throw new DomainException(ErrorKind.Unprocessable, "invalid-study", e.Message, e.Errors);
        }

        _spec = spec;
        var objective = new StudyObjective(spec.Objective.TypeName, spec.Objective.Metric,
            spec.Objective.Goal, spec.Objective.AdditionalMetrics);
        state.State.Template = template;
        state.State.Tuning = tuning;
        state.State.View = new StudyView(Id, template.Name, owner, template.Group, template.Project, StudyStatus.Running, null, objective,
            spec.Algorithm.Name, spec.Algorithm.RunsAs, spec.ParallelTrialCount, spec.MaxTrialCount, spec.MaxFailedTrialCount, [], null, null,
            time.GetUtcNow(), null, spec.Seed ?? Seeds.Of(Id));
        await state.SaveAsync(() =>
        {
            state.State = new StudyState();
            DeactivateOnIdle();
        });
        await this.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
        await SettleAsync();
        return View;
    }

    public Task<StudyView?> Get() => Task.FromResult(state.State.View);

    public async Task<StudyView> Stop()
    {
        if (View.Status == StudyStatus.Running)
        {
            await EndAsync(StudyStatus.Stopped, "stopped");
        }

        return View;
    }

    public async Task WorkloadEnded(WorkloadView ended)
    {
        var trial = state.State.View?.Trials.FirstOrDefault(t => t.Run == ended.Id);
        if (trial is null || trial.Status.IsFinal())
        {
            return; // not ours, or told before (delivery is at least once)
        }

        await ConcludeAsync(trial, ended);
        await SettleAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.View is not { Status: StudyStatus.Running })
        {
            await UnregisterAsync();
            return;
        }

        foreach (var trial in View.Trials.Where(t => !t.Created && !t.Status.IsFinal()).ToList())
        {
            await CreateTrialAsync(trial);
        }

        await SettleAsync();
    }

    /// <summary>
    /// After a restart: each trial not known to have ended is looked at once; a trial whose run
    /// ended while the study was away is concluded, one whose run was never created is created
    /// (with its stored parameters and id, so nothing runs twice).
    /// </summary>
    private async Task RecoverAsync()
    {
        foreach (var trial in View.Trials.Where(t => !t.Status.IsFinal()).ToList())
        {
            var view = trial.Created ? await GrainFactory.GetGrain<IWorkloadGrain>(trial.Run).Get() : null;
            if (view is null)
            {
                await CreateTrialAsync(trial);
            }
            else if (view.Status.IsFinal())
            {
                await ConcludeAsync(trial, view);
            }
        }

        await SettleAsync();
    }

    /// <summary>Records a trial's end: its metrics (records and log), objective and intermediate values.</summary>
    private async Task ConcludeAsync(StudyTrial trial, WorkloadView ended)
    {
        var values = await MetricsOfAsync(trial.Run);
        var objective = Spec.Objective;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var name in values.Keys)
        {
            metrics[name] = TrialMetrics.ValueOf(values, name, objective.StrategyOf(name))!.Value;
        }

        Replace(trial with
        {
            Status = ended.Status,
            Created = true,
            Objective = metrics.TryGetValue(objective.Metric, out var value) ? value : null,
            Metrics = metrics,
            Intermediate = values.TryGetValue(objective.Metric, out var series) ? series : [],
            OutputVersion = ended.OutputVersion,
        });
    }

    private async Task<Dictionary<string, List<double>>> MetricsOfAsync(string run)
    {
        var workload = GrainFactory.GetGrain<IWorkloadGrain>(run);
        var records = await workload.ReadMetrics();
        var lines = new List<string>();
        await foreach (var line in workload.ReadLog(follow: false))
        {
            if (lines.Count < MaxLogLines)
            {
                lines.Add(line);
            }
        }

        return TrialMetrics.Read(records, lines, Spec.MetricsCollector);
    }

    /// <summary>Decides what follows the latest change: the end of the study, early stops, more trials. Then saves.</summary>
    private async Task SettleAsync()
    {
        if (View.Status != StudyStatus.Running)
        {
            await SaveAsync();
            return;
        }

        UpdateBest();
        var objective = Spec.Objective;
        var failed = View.Trials.Count(Failed);
        if (View.Trials.FirstOrDefault(t => Succeeded(t) && objective.Reaches(t.Objective!.Value)) is { } reached)
        {
            await EndAsync(StudyStatus.Complete, $"goal reached by {reached.Run}");
            return;
        }

        if (failed >= View.MaxFailedTrialCount)
        {
            await EndAsync(StudyStatus.Failed, $"{failed} trials failed (maxFailedTrialCount {View.MaxFailedTrialCount})");
            return;
        }

        await StopEarlyAsync();
        await FillAsync();
        if (View.Status == StudyStatus.Running && View.Trials.All(t => t.Status.IsFinal())
            && (View.Trials.Count >= View.MaxTrialCount || state.State.Exhausted))
        {
            await EndAsync(StudyStatus.Complete, state.State.Exhausted ? "search space exhausted" : $"{View.Trials.Count} trials ran (maxTrialCount)");
            return;
        }

        await SaveAsync();
    }

    /// <summary>
    /// Adds trials up to parallelTrialCount and maxTrialCount, while the pool has the GPUs for one
    /// more (a trial beyond them would queue ahead of other users' later runs). Each trial is stored
    /// with its parameters before its run is created.
    /// </summary>
    private async Task FillAsync()
    {
        var template = state.State.Template!;
        while (!state.State.Exhausted && View.Trials.Count < View.MaxTrialCount)
        {
            var active = View.Trials.Count(t => !t.Status.IsFinal());
            if (active >= View.ParallelTrialCount)
            {
                return;
            }

            if (active > 0 && template.TotalGpus > 0
                && (await GrainFactory.GetGrain<IGroupPoolGrain>(template.Group).GetView()).Free < template.TotalGpus)
            {
                return;
            }

            var index = View.Trials.Count;
            var proposal = Search.Propose(index, Records());
            if (proposal.Exhausted)
            {
                state.State.Exhausted = true;
                return;
            }

            if (proposal.Parameters is not { } parameters)
            {
                return; // the algorithm waits for running trials (hyperband between rungs)
            }

            var trial = new StudyTrial(index, $"{Id}-t{index}", parameters, WorkloadStatus.Queued, null,
                new Dictionary<string, double>(), [], proposal.Tag, Created: false);
            state.State.View = View with { Trials = [.. View.Trials, trial] };
            await SaveAsync();
            await CreateTrialAsync(trial);
        }
    }

    /// <summary>Creates a trial's run (idempotent: its id is fixed and a repeated create answers the existing run).</summary>
    private async Task CreateTrialAsync(StudyTrial trial)
    {
        var template = state.State.Template!;
        var hyperparameters = new Dictionary<string, string>(template.Hyperparameters, StringComparer.Ordinal);
        foreach (var (name, value) in trial.Parameters)
        {
            hyperparameters[name] = value;
        }

        var spec = template with
        {
            Name = $"{template.Name}-t{trial.Index}",
            Command = Spec.CommandFor(template.Command, trial.Parameters),
            Hyperparameters = hyperparameters,
            HyperparametersJson = null,
        };
        try
        {
            var view = await GrainFactory.GetGrain<IWorkloadGrain>(trial.Run)
                .CreateChild(WorkloadType.Run, spec, View.Owner, new WorkloadParent("study", Id, this.GetGrainId()));
            Replace(trial with { Created = true, Status = view.Status.IsFinal() ? trial.Status : view.Status });
        }
        catch (DomainException e)
        {
            // The run was refused (e.g. its group can never fit it): a failed trial, not a retry.
            logger.LogInformation("Study {Id}: trial {Run} was refused: {Reason}", Id, trial.Run, e.Message);
            Replace(trial with { Created = true, Status = WorkloadStatus.Error });
        }
        catch (Exception e)
        {
            // A silo or the database away: the reminder creates it later, with the same id.
            logger.LogWarning(e, "Study {Id}: trial {Run} not created yet", Id, trial.Run);
        }
    }

    /// <summary>
    /// medianstop, evaluated when a trial ends (the event that changes the medians): each running
    /// trial's intermediate values are read once and a trial worse than the median is stopped.
    /// </summary>
    private async Task StopEarlyAsync()
    {
        if (Spec.EarlyStopping is not { } early)
        {
            return;
        }

        var rule = new MedianStop(early.Settings);
        var objective = Spec.Objective;
        var completed = View.Trials.Where(Succeeded).Select(t => (IReadOnlyList<double>)t.Intermediate.Select(objective.Score).ToList()).ToList();
        if (completed.Count < rule.MinTrialsRequired)
        {
            return;
        }

        foreach (var trial in View.Trials.Where(t => t.Created && t.Status is WorkloadStatus.Running && !t.EarlyStopped).ToList())
        {
            var values = await MetricsOfAsync(trial.Run);
            var running = values.TryGetValue(objective.Metric, out var series) ? series.Select(objective.Score).ToList() : [];
            if (rule.ShouldStop(running, completed))
            {
                Replace(trial with { EarlyStopped = true });
                await GrainFactory.GetGrain<IWorkloadGrain>(trial.Run).Stop();
            }
        }
    }

    private async Task EndAsync(StudyStatus status, string reason)
    {
        UpdateBest();
        var best = View.Best is { } b ? View.Trials.First(t => t.Run == b.Run) : null;
        var output = state.State.Template!.Output;
        state.State.View = View with
        {
            Status = status,
            Reason = reason,
            EndedAt = time.GetUtcNow(),
            Model = best is { OutputVersion: { } version } && output is not null ? new StudyModel(output.Name, version, best.Run) : null,
        };
        await SaveAsync();
        foreach (var trial in View.Trials.Where(t => t.Created && !t.Status.IsFinal()))
        {
            try
            {
                await GrainFactory.GetGrain<IWorkloadGrain>(trial.Run).Stop();
            }
            catch (DomainException)
            {
                // It ended meanwhile.
            }
        }

        await UnregisterAsync();
    }

    private void UpdateBest()
    {
        var objective = Spec.Objective;
        var best = View.Trials.Where(Succeeded).OrderBy(t => objective.Score(t.Objective!.Value)).ThenBy(t => t.Index).FirstOrDefault();
        state.State.View = View with { Best = best is null ? null : new StudyBest(best.Run, best.Parameters, best.Objective!.Value) };
    }

    /// <summary>A trial that ended with its objective: complete, or stopped early by medianstop (its values so far count).</summary>
    private static bool Succeeded(StudyTrial t) =>
        t.Objective is not null && (t.Status == WorkloadStatus.Complete || (t.EarlyStopped && t.Status == WorkloadStatus.Stopped));

    private static bool Failed(StudyTrial t) => t.Status.IsFinal() && !Succeeded(t) && !(t.EarlyStopped && t.Status == WorkloadStatus.Stopped);

    private List<TrialRecord> Records()
    {
        var objective = Spec.Objective;
        return View.Trials.Select(t => new TrialRecord(t.Index, t.Parameters, t.Status.IsFinal(),
            Succeeded(t) ? objective.Score(t.Objective!.Value) : null, t.Tag)).ToList();
    }

    private void Replace(StudyTrial trial) =>
        state.State.View = View with { Trials = View.Trials.Select(t => t.Index == trial.Index ? trial : t).ToList() };

    private async Task SaveAsync()
    {
        try
        {
            await TransientRetry.RunAsync(() => state.WriteStateAsync(), TimeSpan.FromSeconds(30), logger, $"Saving study {Id}");
        }
        catch
        {
            // Memory is ahead of what is stored: the next activation starts from the store again.
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task UnregisterAsync()
    {
        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
