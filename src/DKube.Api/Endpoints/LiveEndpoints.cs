using System.Globalization;
using DKube.Abstractions.Common;
using DKube.Abstractions.Live;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Feeds;
using DKube.Api.Limits;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Live figures and the event feed: utilization, storage, the dashboard, <c>/feeds/events</c>. Each shows only what the caller may see.</summary>
public static class LiveEndpoints
{
    /// <summary>Resources shown on the dashboard.</summary>
    private static readonly string[] WorkloadKinds = [ResourceKinds.Run, ResourceKinds.Ide];

    private const int RecentCount = 20;
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(15);
    private const int MaxPoints = 1_000;

    public static void MapLiveEndpoints(this RouteGroupBuilder api)
    {
        var live = api.MapGroup("/").WithTags("Live").RequireCaller();
        live.MapGet("/utilization", GetUtilization)
            .WithSummary("What the visible groups' running workloads use now, per user (GPUs held, GPU utilization where nvidia-smi answers, CPU cores, resident memory), and each group's pool.");
        live.MapGet("/utilization/history", GetHistory)
            .WithSummary("Each visible group's totals over `window` (e.g. `15m`, `1h`, `900`; at most 1h), averaged per `step` (e.g. `30s`).");
        live.MapGet("/storage", GetStorage)
            .WithSummary("Bytes of the dataset, featureset and model versions each user owns, over what the caller may see; equal content is counted once per user.");
        live.MapGet("/dashboard", GetDashboard)
            .WithSummary("Counts of runs and IDEs by status, the workloads changed last, and the visible groups' pools with their queues.");
        live.MapGet("/feeds/events", Stream)
            .WithSummary("Server-Sent Events of `topics` (comma-separated: workloads, pools, utilization, deployments, monitors, studies, pipelines; default all) "
                + "that the caller may see. Resume with `Last-Event-ID`; a comment every 15 s; `event: reset` when events were missed, `event: dropped` before a client too far behind is cut off.")
            .Produces<string>(contentType: "text/event-stream")
            .LimitedAs(LimitPartition.Feeds);
    }

    /// <summary>The groups whose live figures <paramref name="caller"/> sees: its own, or every group for an operator.</summary>
    public static async Task<IReadOnlyList<string>> VisibleGroupsAsync(Caller caller, IResourceDirectory directory, CancellationToken cancellationToken)
    {
        if (!caller.IsOperator)
        {
            return caller.Groups;
        }

        var groups = new List<string>();
        string? cursor = null;
        do
        {
            var page = await directory.ListGroupsAsync(caller, ListParameters.MaxLimit, cursor, cancellationToken);
            groups.AddRange(page.Items.Select(g => g.Name));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return groups;
    }

    private static async Task<Ok<UtilizationAnswer>> GetUtilization(HttpContext http, IGrainFactory grains, IResourceDirectory directory, TimeProvider time)
    {
        var groups = await VisibleGroupsAsync(http.Caller(), directory, http.RequestAborted);
        var figures = await Task.WhenAll(groups.Select(async g =>
            (Use: await grains.GetGrain<IGroupUtilizationGrain>(g).Get(), Pool: await grains.GetGrain<IGroupPoolGrain>(g).GetView())));
        var users = figures
            .SelectMany(f => f.Use.Workloads)
            .GroupBy(w => w.Owner, StringComparer.Ordinal)
            .Select(u => UtilizationRollup.User(u.Key, u.ToList()))
            .OrderBy(u => u.User, StringComparer.Ordinal)
            .ToList();
        var groupUse = figures
            .Select(f => new GroupUse(f.Pool.Group, f.Pool.Gpus, f.Pool.Used, f.Use.Users.Sum(u => u.CpuCores), f.Use.Users.Sum(u => u.MemoryBytes),
                UtilizationRollup.MeanGpuUtilization(f.Use.Workloads)))
            .ToList();
        return TypedResults.Ok(new UtilizationAnswer(time.GetUtcNow(), users, groupUse));
    }

    private static async Task<Ok<UtilizationHistory>> GetHistory(string? window, string? step, HttpContext http, IGrainFactory grains, IResourceDirectory directory)
    {
        var validator = new RequestValidator();
        var span = ParseDuration(window, DefaultWindow);
        validator.Check(span is { } w && w >= TimeSpan.FromSeconds(1) && w <= HistoryLimit, "window", "must be a duration from 1s to 1h (e.g. 900, 15m, 1h).");
        var every = ParseDuration(step, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((span ?? DefaultWindow).TotalSeconds / 60))));
        validator.Check(every is { } s && s >= TimeSpan.FromSeconds(1) && span is { } ww && ww / s <= MaxPoints, "step", $"must be a duration of at least 1s and at most {MaxPoints} points in the window.");
        validator.ThrowIfInvalid();

        var groups = await VisibleGroupsAsync(http.Caller(), directory, http.RequestAborted);
        var histories = await Task.WhenAll(groups.Select(async g => new GroupHistory(g, await grains.GetGrain<IGroupUtilizationGrain>(g).History(span!.Value, every!.Value))));
        return TypedResults.Ok(new UtilizationHistory((int)span!.Value.TotalSeconds, (int)every!.Value.TotalSeconds, histories));
    }

    /// <summary>How far back a group keeps its history (the grain's window).</summary>
    private static readonly TimeSpan HistoryLimit = TimeSpan.FromHours(1);

    private static async Task<Ok<StorageAnswer>> GetStorage(HttpContext http, IDashboardReader figures) =>
        TypedResults.Ok(new StorageAnswer(await figures.StorageByOwnerAsync(http.Caller(), http.RequestAborted)));

    private static async Task<Ok<DashboardAnswer>> GetDashboard(HttpContext http, IGrainFactory grains, IResourceDirectory directory, IDashboardReader dashboard)
    {
        var caller = http.Caller();
        var counts = await dashboard.CountByStatusAsync(caller, WorkloadKinds, http.RequestAborted);
        var recent = await dashboard.RecentAsync(caller, WorkloadKinds, RecentCount, http.RequestAborted);
        var groups = await VisibleGroupsAsync(caller, directory, http.RequestAborted);
        var pools = await Task.WhenAll(groups.Select(g => grains.GetGrain<IGroupPoolGrain>(g).GetView()));
        return TypedResults.Ok(new DashboardAnswer(counts.ToDictionary(c => c.Key + "s", c => c.Value), recent, pools.Select(p => p.SeenBy(caller)).ToList()));
    }

    private static async Task Stream(string? topics, HttpContext http, LiveFeed feed)
    {
        var wanted = topics?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var lastId = http.Request.Headers["Last-Event-ID"].ToString();
        var validator = new RequestValidator();
        foreach (var unknown in wanted.Where(t => !LiveTopics.All.Contains(t)))
        {
            validator.Add("topics", $"'{unknown}' is not a topic; topics are {string.Join(", ", LiveTopics.All)}.");
        }

        long? after = null;
        if (lastId.Length > 0)
        {
            validator.Check(long.TryParse(lastId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed), "Last-Event-ID", "must be the id of an event of this feed.");
            after = parsed;
        }

        validator.ThrowIfInvalid();
        // An API process that has only just started may not yet hold its hub subscription: a client
        // served before it would miss what happens meanwhile.
        await feed.Connected.WaitAsync(TimeSpan.FromSeconds(30), http.RequestAborted);
        using var subscription = feed.Subscribe(http.Caller(), wanted, after);
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await ServerSentEvents.WriteAsync(http.Response.BodyWriter, subscription, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client left.
        }
    }

    /// <summary>Seconds (<c>900</c>) or a number with <c>s</c>, <c>m</c> or <c>h</c>; the default when absent, null when malformed.</summary>
    internal static TimeSpan? ParseDuration(string? text, TimeSpan fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var number = unit == 0 ? text : text[..^1];
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 366 * 24 * 3600
            ? TimeSpan.FromSeconds((long)value * Math.Max(1, unit))
            : null;
    }
}
