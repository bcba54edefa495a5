using System.Text;
using System.Text.Json.Nodes;
using DKube.Abstractions.Clusters;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Workloads;
using DKube.Grains.Execution;
using DKube.Grains.Faults;
using DKube.Grains.Persistence;
using DKube.Pipelines;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Pipelines;

/// <summary>
/// Drives one pipeline run: walks the DAG of the version it runs (<see cref="PipelineWalk"/>
/// decides, this grain persists and acts), creates each ready container task as a child run
/// (<see cref="PipelineTasks.RunId"/>) in the owner's group pool, and on each task's end (an event,
/// never a poll) reads its output parameters, records its artifacts, keeps its outputs under its
/// cache key and walks on. Every task record is stored before its run is created, so a restart
/// resumes the walk and re-creates the same runs (idempotent), never others.
/// </summary>
public sealed class PipelineRunGrain(
    [PersistentState("pipeline-run")] IPersistentState<PipelineRunState> state,
    TimeProvider time,
    IResourceDirectory directory,
    ICodeResolver code,
    ILogger<PipelineRunGrain> logger) : Grain, IPipelineRunGrain, IRemindable
{
    /// <summary>
    /// Brings a running pipeline run back after a silo restart (it recovers once on activation) and
    /// retries task creations that a failure interrupted. It never reads the tasks' runs.
    /// </summary>
    private const string Reminder = "pipeline-run";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>The largest output parameter read back from a task (KFP keeps parameters small too).</summary>
    private const int MaxParameterBytes = 1 << 20;

    private PipelineSpec? _spec;
    private DkubeStepResolver? _dkube;

    private string Id => this.GetPrimaryKeyString();

    private PipelineRunView View => state.State.View ?? throw DomainException.NotFound("Pipeline run", Id);

    private PipelineSpec Spec => _spec ??= KfpParser.Parse(state.State.Yaml);

    private DkubeStepResolver Dkube => _dkube ??= new DkubeStepResolver(GrainFactory, directory, code);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.View is { Status: PipelineRunStatus.Running })
        {
            try
            {
                await RecoverAsync();
            }
            catch (Exception e) when (e is not DomainException)
            {
                // The reminder activates the run again and the recovery is tried then.
                logger.LogWarning(e, "Pipeline run {Id} could not recover its tasks yet", Id);
            }
        }
    }

    public async Task<PipelineRunView> Create(PipelineRunRequest request)
    {
        if (state.State.View is { } existing)
        {
            return existing.Owner == request.Owner && existing.Pipeline == request.Pipeline && existing.Name == request.Name
                ? existing
                : throw DomainException.Conflict("already-exists", $"Pipeline run '{Id}' already exists.");
        }

        if (request.Experiment is { } experimentId)
        {
            var experiment = await GrainFactory.GetGrain<IExperimentGrain>(experimentId).Get() ?? throw DomainException.NotFound("Experiment", experimentId);
            if (experiment.Status == ExperimentView.Archived)
            {
                throw DomainException.Conflict("experiment-archived", $"Experiment '{experimentId}' is archived: unarchive it to run in it.");
            }
        }

        var source = await GrainFactory.GetGrain<IPipelineGrain>(request.Pipeline).GetSource(request.Version);
        var spec = PipelineDocuments.Parse(source.Yaml);
        var parameters = PipelineWalk.RunParameters(spec, request.Parameters);
        _spec = spec;
        state.State.Yaml = source.Yaml;
        state.State.View = new PipelineRunView(Id, request.Name, request.Owner, request.Group, request.Project, request.Pipeline, source.Version.Id,
            request.Experiment, parameters, PipelineRunStatus.Running, null, [], time.GetUtcNow(), null, false, request.RecurringRun,
            request.ScheduledAt, request.Cluster);
        await SaveAsync(() => state.State = new PipelineRunState());
        if (request.Experiment is { } joined)
        {
            // Known to its experiment, so archiving the experiment archives this run. Before the
            // first task: a run the experiment does not know of would escape the cascade.
            if (await GrainFactory.GetGrain<IExperimentGrain>(joined).AddRun(Id))
            {
                // Archived while this run was being made: its cascade may have passed this run by.
                state.State.View = View with { Archived = true };
                await SaveAsync();
            }
        }

        await this.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
        await AdvanceAsync();
        return View;
    }

    public Task<PipelineRunView?> Get() => Task.FromResult(state.State.View);

    public async Task<PipelineRunView> Stop()
    {
        if (View.Status.IsFinal())
        {
            return View;
        }

        var now = time.GetUtcNow();
        // Tasks not started will never start; started ones are Canceled when their runs end.
        var tasks = View.Tasks.Select(t => t.Status.IsFinal() || (t.Kind == PipelineTaskView.Container && t.Created)
            ? t
            : t with { Status = PipelineRunStatus.Canceled, Reason = "the run was stopped", EndedAt = now }).ToList();
        state.State.View = View with { Status = PipelineRunStatus.Canceled, Reason = "stopped", EndedAt = now, Tasks = tasks };
        await SaveAsync();
        foreach (var task in View.Tasks.Where(t => t.Kind == PipelineTaskView.Container && t.Created && !t.Status.IsFinal()))
        {
            try
            {
                await GrainFactory.GetGrain<IWorkloadGrain>(task.Run!).Stop();
            }
            catch (DomainException)
            {
                // It ended meanwhile: its end event settles the task.
            }
        }

        await EndedAsync();
        return View;
    }

    public async Task<PipelineRunView> Retry()
    {
        if (View.Status is not (PipelineRunStatus.Failed or PipelineRunStatus.Canceled))
        {
            throw DomainException.Conflict("invalid-state", $"Pipeline run '{Id}' is {View.Status}: only a Failed or Canceled run is retried.");
        }

        if (View.Tasks.Any(t => t.Kind == PipelineTaskView.Container && t.Created && !t.Status.IsFinal()))
        {
            throw DomainException.Conflict("invalid-state", $"Pipeline run '{Id}' still has tasks stopping; retry once they have ended.");
        }

        state.State.View = View with
        {
            Status = PipelineRunStatus.Running,
            Reason = null,
            EndedAt = null,
            Tasks = PipelineWalk.ForRetry(View.Tasks, Id),
        };
        state.State.RecurringTold = false;
        await SaveAsync();
        await this.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
        await AdvanceAsync();
        return View;
    }

    public async Task<PipelineRunView> Archive()
    {
        if (!View.Archived)
        {
            state.State.View = View with { Archived = true };
            await SaveAsync();
        }

        return View;
    }

    public async Task<PipelineRunView> Unarchive()
    {
        if (View.Archived)
        {
            state.State.View = View with { Archived = false };
            await SaveAsync();
        }

        return View;
    }

    public async Task Delete()
    {
        if (!View.Archived || !View.Status.IsFinal())
        {
            throw DomainException.Conflict("not-archived", $"Pipeline run '{Id}' must have ended and be archived before it is deleted.");
        }

        await UnregisterAsync();
        await state.SaveAsync(DeactivateOnIdle, clear: true);
    }

    public async Task WorkloadEnded(WorkloadView ended)
    {
        var task = state.State.View?.Tasks.FirstOrDefault(t => t.Run == ended.Id);
        if (task is null || task.Status.IsFinal())
        {
            return; // not ours, or told before (delivery is at least once)
        }

        await ConcludeAsync(task, ended);
        await AdvanceAsync();
    }

    /// <summary>
    /// A serving step's deployment settled (an event, at least once): Running ends the task well,
    /// with the deployment's endpoint as its <c>servingurl</c>; Error or Stopped fails it.
    /// </summary>
    public async Task DeploymentSettled(DeploymentView settled)
    {
        var task = state.State.View?.Tasks.FirstOrDefault(t => t.Deployment == settled.Id);
        if (task is null || task.Status.IsFinal())
        {
            return; // not ours, or told before
        }

        ConcludeDeployment(task, settled);
        await AdvanceAsync();
    }

    private void ConcludeDeployment(PipelineTaskView task, DeploymentView settled)
    {
        var now = time.GetUtcNow();
        if (settled.Status != DeploymentStatus.Running)
        {
            Replace(task with { Status = PipelineRunStatus.Failed, Reason = $"its deployment {settled.Id} is {settled.Status}{(settled.Reason is { } why ? $": {why}" : "")}", EndedAt = now });
            return;
        }

        var details = new JsonObject
        {
            ["id"] = settled.Id,
            ["name"] = settled.Name,
            ["status"] = settled.Status.ToString(),
            ["model"] = new JsonObject { ["name"] = settled.Model.Name, ["repo"] = settled.Model.RepoId, ["version"] = settled.Model.Version },
            ["endpoint"] = settled.Endpoint,
        };
        var outputs = PipelineWalk.ComponentOf(Spec, task.Name).OutputParameters.Keys.ToDictionary(
            k => k, k => k == "servingurl" ? settled.Endpoint : details.ToJsonString(), StringComparer.Ordinal);
        Replace(task with { Status = PipelineRunStatus.Succeeded, Outputs = outputs, Reason = null, EndedAt = now });
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.View is not { } view || (view.Status.IsFinal() && (view.RecurringRun is null || state.State.RecurringTold)))
        {
            await UnregisterAsync();
            return;
        }

        if (view.Status.IsFinal())
        {
            TellRecurring();
            return;
        }

        await AdvanceAsync();
    }

    /// <summary>
    /// After a restart: each created task not known to have ended is looked at once; one whose run
    /// ended while this grain was away is concluded. Tasks whose run was never created are created
    /// by the walk that follows (with their stored ids).
    /// </summary>
    private async Task RecoverAsync()
    {
        foreach (var task in View.Tasks.Where(t => t.Kind == PipelineTaskView.Container && t.Created && !t.Status.IsFinal()).ToList())
        {
            var view = await GrainFactory.GetGrain<IWorkloadGrain>(task.Run!).Get();
            if (view is null)
            {
                Replace(task with { Created = false });
            }
            else if (view.Status.IsFinal())
            {
                await ConcludeAsync(task, view);
            }
        }

        foreach (var task in View.Tasks.Where(t => t.Kind == PipelineTaskView.DeploymentKind && t.Created && !t.Status.IsFinal()).ToList())
        {
            var view = await GrainFactory.GetGrain<IDeploymentGrain>(task.Deployment!).Get();
            if (view is null)
            {
                Replace(task with { Created = false });
            }
            else if (view.Status.IsSettled())
            {
                ConcludeDeployment(task, view);
            }
        }

        await AdvanceAsync();
    }

    /// <summary>
    /// Records a task run's end: a complete run's output parameters (read from its output folder) and
    /// artifacts, kept under its cache key; a failed one is tried again while its retry policy allows.
    /// </summary>
    private async Task ConcludeAsync(PipelineTaskView task, WorkloadView ended)
    {
        var now = time.GetUtcNow();
        if (View.Status == PipelineRunStatus.Canceled || ended.Status == WorkloadStatus.Stopped)
        {
            Replace(task with { Status = PipelineRunStatus.Canceled, Reason = ended.Reason ?? "stopped", EndedAt = ended.EndedAt ?? now });
            return;
        }

        if (ended.Status != WorkloadStatus.Complete)
        {
            var exit = ended.ExitCode is { } code ? $" (exit code {code})" : "";
            var reason = $"its run {ended.Id} ended {ended.Status}{exit}";
            if (task.Attempt <= PipelineWalk.TaskOf(Spec, task.Name)?.MaxRetries)
            {
                // KFP's retryPolicy: a new attempt is a new run (a new id), created by the walk.
                var attempt = task.Attempt + 1;
                Replace(task with { Status = PipelineRunStatus.Pending, Attempt = attempt, Run = PipelineTasks.RunId(Id, task.Name, attempt), Created = false, Reason = $"attempt {task.Attempt}: {reason}" });
                return;
            }

            Replace(task with { Status = PipelineRunStatus.Failed, Reason = reason, EndedAt = ended.EndedAt ?? now });
            return;
        }

        var execution = ExecutionIds.For(ended.Id, ended.Attempt);
        var component = PipelineWalk.ComponentOf(Spec, task.Name);
        if (task.Step is not null)
        {
            ConcludeDkubeRun(task, ended, component);
            return;
        }

        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, definition) in component.OutputParameters)
        {
            var content = ended.Allocation is { } allocation
                ? await GrainFactory.GetGrain<IClusterAgentGrain>(allocation.Cluster).ReadOutputFile(execution, PipelineTasks.ParameterFile(name), MaxParameterBytes)
                : null;
            if (content is null || content.Length > MaxParameterBytes)
            {
                Replace(task with
                {
                    Status = PipelineRunStatus.Failed,
                    Reason = content is null ? $"it did not write its output parameter '{name}'" : $"its output parameter '{name}' is larger than {MaxParameterBytes} bytes",
                    EndedAt = ended.EndedAt ?? now,
                });
                return;
            }

            outputs[name] = TaskLaunch.FromOutputFile(definition.Type, Encoding.UTF8.GetString(content));
        }

        var artifacts = component.OutputArtifacts.ToDictionary(
            a => a.Key,
            a => PipelineWalk.Artifact(execution, a.Key, a.Value.SchemaTitle),
            StringComparer.Ordinal);
        foreach (var (name, artifact) in artifacts.ToList())
        {
            if (PipelineTasks.ArtifactRepoKind(artifact.SchemaTitle) is not { } kind || ended.Allocation is not { } at)
            {
                continue;
            }

            try
            {
                if (await KeepArtifactAsync(task, ended, at.Cluster, execution, name, kind) is { } kept)
                {
                    artifacts[name] = artifact with { Version = kept.Version, Entry = kept.Entry };
                }
            }
            catch (DomainException e) when (e.Kind != ErrorKind.NotFound)
            {
                // The repository's name is another of the owner's (name-taken), or it keeps no versions.
                Replace(task with { Status = PipelineRunStatus.Failed, Reason = $"its artifact '{name}' could not be kept: {e.Message}", EndedAt = ended.EndedAt ?? now });
                return;
            }
        }

        var done = task with { Status = PipelineRunStatus.Succeeded, Outputs = outputs, Artifacts = artifacts, Reason = null, EndedAt = ended.EndedAt ?? now };
        Replace(done);
        if (done.CacheKey is { } key)
        {
            await GrainFactory.GetGrain<IPipelineCacheGrain>(IPipelineCacheGrain.Key(View.Owner, View.Group, key))
                .Put(new PipelineCacheEntry(Id, done.Name, outputs, artifacts, now));
        }
    }

    /// <summary>
    /// A DKube training or preprocessing run completed: its output version is the step's
    /// <c>artifact</c> (DKube's list of <c>{datum, class, version}</c>, what a serving step's
    /// <c>model</c> takes) and any output artifact it declares; <c>rundetails</c> describes the run.
    /// Its lineage (made by the run itself) names its trigger, this pipeline run.
    /// </summary>
    private void ConcludeDkubeRun(PipelineTaskView task, WorkloadView ended, ComponentSpec component)
    {
        var made = ended.Spec.Output is { RepoId: { } repoId } output && ended.OutputVersion is { } version
            ? (output.Kind, output.Name, repoId, version)
            : ((string Kind, string Name, string RepoId, int Version)?)null;
        var details = new JsonObject
        {
            ["id"] = ended.Id,
            ["name"] = ended.Name,
            ["kind"] = ended.Kind,
            ["status"] = ended.Status.ToString(),
            ["outputVersion"] = ended.OutputVersion,
        };
        var artifact = DkubeSteps.ArtifactJson(made is { } one ? [one] : []);
        var outputs = component.OutputParameters.Keys.ToDictionary(k => k, k => k == "rundetails" ? details.ToJsonString() : artifact, StringComparer.Ordinal);
        var artifacts = new Dictionary<string, PipelineArtifactView>(StringComparer.Ordinal);
        if (made is { } kept && RepoKinds.ParseData(kept.Kind) is { } kind)
        {
            foreach (var (name, definition) in component.OutputArtifacts)
            {
                artifacts[name] = new PipelineArtifactView($"dkube://{kept.Kind}s/{kept.RepoId}/versions/{kept.Version}", definition.SchemaTitle, null, null,
                    new VersionId(kind, kept.RepoId, kept.Version));
            }
        }

        Replace(task with { Status = PipelineRunStatus.Succeeded, Outputs = outputs, Artifacts = artifacts, Reason = null, EndedAt = ended.EndedAt ?? time.GetUtcNow() });
    }

    /// <summary>
    /// Keeps a dataset or model artifact of an ended task as the next version of its repository
    /// (<see cref="PipelineTasks.ArtifactRepo"/>, created on first use), its lineage naming this run,
    /// the task and its run, and the versions it read. Keyed by the execution and the artifact, so a
    /// redelivered end (or a retry after a crash before the task's record was stored) reaches the
    /// version made first. Null when the task wrote no such artifact.
    /// </summary>
    private async Task<KeptArtifact?> KeepArtifactAsync(PipelineTaskView task, WorkloadView ended, string cluster, string execution, string name, RepoKind kind)
    {
        var (repoId, repoName) = PipelineTasks.ArtifactRepo(kind, View.Owner, Spec.Name, task.Name, name);
        await GrainFactory.GetGrain<IDataRepoGrain>(repoId).Create(new DataRepoSpec(kind, repoName, View.Owner, View.Group, View.Project,
            $"Output artifact '{name}' of task '{task.DisplayName}' of pipeline '{Spec.Name}'", true, null, [], null));
        var inputs = task.InputArtifacts.Values.Select(a => a.Version).OfType<VersionId>()
            .Concat(ended.InputVersions ?? []).Distinct().ToList();
        var hyperparameters = task.Inputs.Where(i => i.Value is not null).ToDictionary(i => i.Key, i => i.Value!, StringComparer.Ordinal);
        var lineage = new Lineage(ended.Id, View.Owner, ended.Spec.Code?.RepoId, ended.Spec.Code?.Commit, ended.Spec.Image, ended.Spec.Command,
            hyperparameters, inputs, null, new LineageTrigger(PipelineTasks.ParentKind, Id, null, task.Name));
        return await GrainFactory.GetGrain<IClusterAgentGrain>(cluster)
            .KeepArtifact(execution, PipelineTasks.ArtifactFile(name), name, kind, repoId, lineage, $"{execution}/{name}");
    }

    /// <summary>
    /// Walks until nothing more can be decided: new task records (stored before their runs are
    /// created), cache hits, skips, DAG ends; then the run's own end when every task has ended.
    /// </summary>
    private async Task AdvanceAsync()
    {
        while (View.Status == PipelineRunStatus.Running)
        {
            var walk = new PipelineWalk(Spec, View, time.GetUtcNow());
            var tasks = walk.Step();
            var changed = !ReferenceEquals(tasks, View.Tasks);
            state.State.View = View with { Tasks = tasks };
            var toCreate = View.Tasks.Where(t => t.Kind is PipelineTaskView.Container or PipelineTaskView.DeploymentKind && t.Status == PipelineRunStatus.Pending && !t.Created).ToList();
            if (toCreate.Count == 0 && !changed)
            {
                break;
            }

            await SaveAsync();
            var cached = false;
            foreach (var task in toCreate)
            {
                cached |= await StartTaskAsync(task);
            }

            if (!cached && !changed)
            {
                break;
            }
        }

        if (View.Status == PipelineRunStatus.Running && PipelineWalk.Outcome(View.Tasks) is { } outcome)
        {
            state.State.View = View with { Status = outcome.Status, Reason = outcome.Reason, EndedAt = time.GetUtcNow() };
            logger.LogInformation("Pipeline run {Id} is {Status}", Id, outcome.Status);
        }

        await SaveAsync();
        if (View.Status.IsFinal())
        {
            await EndedAsync();
        }
    }

    /// <summary>
    /// Starts a task: reuses the outputs kept under its cache key (true: the walk goes on at once),
    /// or creates its run (idempotent: the id is derived and stored). A run the pool refuses fails
    /// the task; a silo or the database away leaves it for the reminder.
    /// </summary>
    private async Task<bool> StartTaskAsync(PipelineTaskView task)
    {
        try
        {
            if (task.CacheKey is { } key
                && await GrainFactory.GetGrain<IPipelineCacheGrain>(IPipelineCacheGrain.Key(View.Owner, View.Group, key)).Get() is { } hit)
            {
                var now = time.GetUtcNow();
                Replace(task with
                {
                    Status = PipelineRunStatus.Cached,
                    Outputs = hit.Outputs,
                    Artifacts = hit.Artifacts,
                    CachedFrom = $"{hit.PipelineRun}/{hit.Task}",
                    Run = null,
                    StartedAt = now,
                    EndedAt = now,
                });
                await SaveAsync();
                return true;
            }

            var walk = new PipelineWalk(Spec, View, time.GetUtcNow());
            var parent = new WorkloadParent(PipelineTasks.ParentKind, Id, this.GetGrainId());
            if (task.Kind == PipelineTaskView.DeploymentKind)
            {
                var deploymentSpec = await Dkube.DeploymentSpecAsync(walk.DkubeStepOf(task), View, task, CancellationToken.None);
                var deployment = await GrainFactory.GetGrain<IDeploymentGrain>(task.Deployment!).CreateChild(deploymentSpec, View.Owner, parent);
                Replace(task with { Created = true, Status = PipelineRunStatus.Running, StartedAt = deployment.CreatedAt });
                await SaveAsync();
                if (deployment.Status.IsSettled())
                {
                    // Created before and settled already (a retried create): its notice may have come while the task was not yet marked created.
                    ConcludeDeployment(View.Tasks.First(t => t.Name == task.Name), deployment);
                    return true;
                }

                return false;
            }

            var spec = task.Step is not null
                ? await Dkube.RunSpecAsync(walk.DkubeStepOf(task), View, task, CancellationToken.None)
                : walk.RunSpecOf(task);
            var view = await GrainFactory.GetGrain<IWorkloadGrain>(task.Run!)
                .CreateChild(WorkloadType.Run, spec, View.Owner, parent);
            Replace(task with { Created = true, Status = PipelineRunStatus.Running, StartedAt = view.CreatedAt });
            await SaveAsync();
            if (view.Status.IsFinal())
            {
                // Created before and ended already (a retried create): its end may have been told
                // while the task was not yet marked created.
                await ConcludeAsync(View.Tasks.First(t => t.Name == task.Name), view);
                return true;
            }
        }
        catch (Exception e) when (e is DomainException or PipelineSpecException or FormatException)
        {
            logger.LogInformation("Pipeline run {Id}: task {Task} was refused: {Reason}", Id, task.Name, e.Message);
            var what = task.Kind == PipelineTaskView.DeploymentKind ? "deployment" : "run";
            Replace(task with { Created = true, Status = PipelineRunStatus.Failed, Reason = $"its {what} was refused: {e.Message}", EndedAt = time.GetUtcNow() });
            await SaveAsync();
            return true;
        }
        catch (Exception e) when (TransientRetry.IsTransient(e))
        {
            logger.LogWarning(e, "Pipeline run {Id}: task {Task} not created yet", Id, task.Name);
        }

        return false;
    }

    /// <summary>
    /// After the run's end: a recurring run that triggered it learns of it (its concurrency frees
    /// up). Off this grain's turn: the recurring run may be waiting on this grain right now (its
    /// wake re-creating this run, or creating it: a run whose tasks were all cached ends inside its
    /// Create), and a call awaited from this turn would wait for a turn that waits for it. The
    /// reminder stays, and tells it again, until the notice is known to have got through.
    /// </summary>
    private async Task EndedAsync()
    {
        if (View.RecurringRun is not null && !state.State.RecurringTold)
        {
            TellRecurring();
            return;
        }

        await UnregisterAsync();
    }

    public async Task RecurringRunTold()
    {
        if (state.State.RecurringTold || state.State.View is not { RecurringRun: not null } view || !view.Status.IsFinal())
        {
            return; // noted before, or retried (and running) since: its next end tells it again
        }

        state.State.RecurringTold = true;
        await SaveAsync();
        await UnregisterAsync();
    }

    private void TellRecurring()
    {
        var (recurring, self, id) = (GrainFactory.GetGrain<IRecurringRunGrain>(View.RecurringRun!), this.AsReference<IPipelineRunGrain>(), Id);
        OffTurnNotice.Send(() => recurring.RunEnded(id), self.RecurringRunTold, ReminderPeriod, logger,
            $"Telling recurring run {View.RecurringRun} of the end of pipeline run {id}", "the run's reminder tells it again");
    }

    private void Replace(PipelineTaskView task) =>
        state.State.View = View with { Tasks = View.Tasks.Select(t => t.Name == task.Name ? task : t).ToList() };

    private Task SaveAsync() => SaveAsync(DeactivateOnIdle);

    private async Task SaveAsync(Action onFailure)
    {
        try
        {
            await TransientRetry.RunAsync(() => state.WriteStateAsync(), TimeSpan.FromSeconds(30), logger, $"Saving pipeline run {Id}");
        }
        catch
        {
            // Memory is ahead of what is stored: the next activation starts from the store again.
            onFailure();
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
