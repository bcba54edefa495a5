using System.Globalization;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Grains.Faults;
using DKube.Grains.Persistence;
using DKube.Pipelines;
using Microsoft.Extensions.Logging;

namespace DKube.Grains.Pipelines;

/// <summary>
/// Drives one recurring run. A durable reminder is due at the next tick (computed from the injected
/// <see cref="TimeProvider"/> by <see cref="Schedule"/>); at each wake the due ticks become pipeline
/// runs with derived ids, each tick stored with its run before the run is created, so a restart
/// neither loses a tick (the next wake finds it due, or re-creates its stored run) nor doubles one
/// (the same id answers the existing run). Runs that have not ended count against maxConcurrency;
/// each tells this grain of its end, which frees its place and wakes it.
/// </summary>
public sealed class RecurringRunGrain(
    [PersistentState("recurring-run")] IPersistentState<RecurringRunState> state,
    TimeProvider time,
    ILogger<RecurringRunGrain> logger) : Grain, IRecurringRunGrain, IRemindable
{
    private const string Reminder = "recurring-run";

    /// <summary>
    /// How often the reminder fires after its due time, as a net when the re-registration at a wake
    /// did not get through; a wake with nothing due only sets the next due time.
    /// </summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Runs one wake makes at most (a catchup after a long outage goes on at the next wake).</summary>
    private const int MaxPerWake = 100;

    private string Id => this.GetPrimaryKeyString();

    private RecurringRunView View => state.State.View ?? throw DomainException.NotFound("Recurring run", Id);

    public async Task<RecurringRunView> Create(RecurringRunRequest request)
    {
        if (state.State.View is { } existing)
        {
            return existing.Request == request || (existing.Request.Owner == request.Owner && existing.Request.Name == request.Name)
                ? existing
                : throw DomainException.Conflict("already-exists", $"Recurring run '{Id}' already exists.");
        }

        if (request.MaxConcurrency is < 1 or > 10)
        {
            throw DomainException.Validation("maxConcurrency", "must be between 1 and 10.");
        }

        var now = time.GetUtcNow();
        var anchor = request.StartTime ?? now;
        ScheduleOf(request, anchor);
        var experiment = await GrainFactory.GetGrain<IExperimentGrain>(request.Experiment).Get() ?? throw DomainException.NotFound("Experiment", request.Experiment);
        if (experiment.Status == ExperimentView.Archived)
        {
            throw DomainException.Conflict("experiment-archived", $"Experiment '{request.Experiment}' is archived: unarchive it to schedule runs in it.");
        }

        // The pipeline version must exist and take these parameters now, not only at the first tick.
        var source = await GrainFactory.GetGrain<IPipelineGrain>(request.Pipeline).GetSource(request.Version);
        PipelineWalk.RunParameters(PipelineDocuments.Parse(source.Yaml), request.Parameters);
        state.State.View = new RecurringRunView(Id, request, request.Enabled, now, anchor, null, null, [], 0, null);
        await SaveAsync(() => state.State = new RecurringRunState());
        if (await GrainFactory.GetGrain<IExperimentGrain>(request.Experiment).AddRecurringRun(Id))
        {
            // Archived while this was being made: its cascade may have passed it by.
            return await Disable();
        }

        return request.Enabled ? await Wake() : View;
    }

    public Task<RecurringRunView?> Get() => Task.FromResult(state.State.View);

    public async Task<RecurringRunView> Wake()
    {
        if (!View.Enabled)
        {
            return View;
        }

        var now = time.GetUtcNow();
        var schedule = ScheduleOf(View.Request, View.Anchor);
        // Runs stored but perhaps not created (a failure between the two): created now, same ids.
        foreach (var pending in state.State.Uncreated.ToList())
        {
            await CreateRunAsync(pending.Key, pending.Value);
        }

        var room = View.Request.MaxConcurrency - View.Active.Count;
        var due = schedule.Due(View.LastTick, now, View.Request.NoCatchup, Math.Clamp(room, 0, MaxPerWake));
        if (room <= 0 && View.Request.NoCatchup && due.Count > 0)
        {
            // Without catchup a tick that finds no room is skipped, never run late.
            state.State.View = View with { LastTick = due[^1] };
            due = [];
        }

        foreach (var tick in due)
        {
            var run = IRecurringRunGrain.RunId(Id, tick);
            state.State.Uncreated[run] = tick;
            state.State.View = View with { LastTick = tick, Active = [.. View.Active, run], Triggered = View.Triggered + 1 };
            await SaveAsync(DeactivateOnIdle);
            await CreateRunAsync(run, tick);
        }

        await ScheduleNextAsync(schedule, now);
        return View;
    }

    public async Task<RecurringRunView> Enable()
    {
        if (!View.Enabled)
        {
            state.State.View = View with { Enabled = true };
            await SaveAsync(DeactivateOnIdle);
        }

        return await Wake();
    }

    public async Task<RecurringRunView> Disable()
    {
        if (View.Enabled)
        {
            state.State.View = View with { Enabled = false, NextTick = null };
            await SaveAsync(DeactivateOnIdle);
        }

        await UnregisterAsync();
        return View;
    }

    public async Task Delete()
    {
        _ = View;
        await UnregisterAsync();
        await state.SaveAsync(DeactivateOnIdle, clear: true);
    }

    public async Task RunEnded(string pipelineRun)
    {
        if (state.State.View is not { } view || !view.Active.Contains(pipelineRun))
        {
            return; // told before (at least once), or deleted since
        }

        state.State.View = view with { Active = [.. view.Active.Where(r => r != pipelineRun)] };
        await SaveAsync(DeactivateOnIdle);
        await Wake();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.View is not { Enabled: true })
        {
            await UnregisterAsync();
            return;
        }

        await Wake();
    }

    /// <summary>
    /// Creates the pipeline run of one tick. A run refused for good (the pipeline's parameters no
    /// longer fit, the experiment was archived) is recorded as the last error and frees its place;
    /// a silo or the database away leaves it stored for the next wake.
    /// </summary>
    private async Task CreateRunAsync(string run, DateTimeOffset tick)
    {
        var request = View.Request;
        try
        {
            await GrainFactory.GetGrain<IPipelineRunGrain>(run).Create(new PipelineRunRequest(
                $"{request.Name}-{tick.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}", request.Owner, request.Group, request.Project,
                request.Pipeline, request.Version, request.Experiment, request.Parameters, request.Cluster, Id, tick));
            state.State.Uncreated.Remove(run);
        }
        catch (DomainException e)
        {
            logger.LogWarning("Recurring run {Id}: the run of {Tick} was refused: {Reason}", Id, tick, e.Message);
            state.State.Uncreated.Remove(run);
            state.State.View = View with { Active = [.. View.Active.Where(r => r != run)], LastError = $"{tick:O}: {e.Message}" };
        }
        catch (Exception e) when (TransientRetry.IsTransient(e))
        {
            logger.LogWarning(e, "Recurring run {Id}: the run of {Tick} not created yet", Id, tick);
            return;
        }

        await SaveAsync(DeactivateOnIdle);
    }

    /// <summary>
    /// The reminder is due at the next tick (a tick already due but waiting for room is woken by the
    /// end of a run, and by the reminder's period); none after the end time.
    /// </summary>
    private async Task ScheduleNextAsync(Schedule schedule, DateTimeOffset now)
    {
        var next = schedule.Next(View.LastTick is { } last && last > now ? last : now);
        if (View.NextTick != next)
        {
            state.State.View = View with { NextTick = next };
            await SaveAsync(DeactivateOnIdle);
        }

        if (next is not { } at)
        {
            await UnregisterAsync();
            return;
        }

        var dueIn = at - now;
        await this.RegisterOrUpdateReminder(Reminder, dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, ReminderPeriod);
    }

    private static Schedule ScheduleOf(RecurringRunRequest request, DateTimeOffset anchor)
    {
        try
        {
            return Schedule.Create(request.Cron, request.IntervalSeconds, anchor, request.EndTime);
        }
        catch (PipelineSpecException e)
        {
            throw PipelineDocuments.Invalid("invalid-trigger", "The trigger is not valid", e);
        }
    }

    private async Task SaveAsync(Action onFailure)
    {
        try
        {
            await TransientRetry.RunAsync(() => state.WriteStateAsync(), TimeSpan.FromSeconds(30), logger, $"Saving recurring run {Id}");
        }
        catch
        {
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
