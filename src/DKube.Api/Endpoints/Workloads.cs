using DKube.Abstractions.Clusters;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Workloads;
using DKube.Api.Contracts;
using DKube.Api.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DKube.Api.Endpoints;

/// <summary>What runs and IDEs share at the HTTP front: look-up with visibility, stop, delete, logs, lists.</summary>
public static class Workloads
{
    /// <summary>The endpoints runs and IDEs have in common: list, get, stop, delete and logs.</summary>
    public static void MapCommonEndpoints(this RouteGroupBuilder group, WorkloadType type, string kind)
    {
        var noun = type == WorkloadType.Ide ? "IDE" : "run";
        group.MapList(kind, $"{noun}s");
        group.MapGet("/{id}", (string id, HttpContext http, IGrainFactory grains) => GetAsync(id, type, http.Caller(), grains))
            .WithSummary(type == WorkloadType.Ide
                ? "An IDE with its status, allocation and queue position."
                : "A run with its status, allocation and queue position; a study (a run submitted with `tuning`) as a run of kind `study`: its status, the trials it created and the path of the study.");
        group.MapPost("/{id}/stop", async (string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await (await OwnedAsync(id, type, http.Caller(), grains)).Stop()))
            .WithSummary($"Stop a {noun}: withdraw it from the queue, or SIGTERM then SIGKILL it; its GPUs go back to the pool.");
        group.MapDelete("/{id}", (string id, HttpContext http, IGrainFactory grains) => DeleteAsync(id, type, http.Caller(), grains))
            .WithSummary($"Delete an ended {noun}; 409 while it is queued or running.");
        group.MapGet("/{id}/logs", (string id, bool? follow, HttpContext http, IGrainFactory grains) =>
            WriteLogAsync(id, type, follow ?? false, http, grains))
            .WithSummary($"The {noun}'s stdout and stderr as text; `follow=true` streams until it ends.").Produces<string>(contentType: "text/plain");
    }

    /// <summary>The workload of <paramref name="type"/>, or 404 when missing, of the other type, or not visible.</summary>
    public static async Task<WorkloadView> VisibleAsync(string id, WorkloadType type, Caller caller, IGrainFactory grains) =>
        Visible(ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IWorkloadGrain>(id).Get() : null, id, type, caller);

    /// <summary>
    /// GET /runs/{id} and /ides/{id}. A study has the id of the run it was submitted as but no
    /// workload: only when there is none is the study asked, so a point read of a run stays one grain call.
    /// </summary>
    private static async Task<Results<Ok<WorkloadView>, Ok<StudyRunView>>> GetAsync(string id, WorkloadType type, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IWorkloadGrain>(id).Get() : null;
        if (view is null && type == WorkloadType.Run && await StudyEndpoints.AsRunAsync(id, caller, grains) is { } study)
        {
            return TypedResults.Ok(study);
        }

        return TypedResults.Ok(Visible(view, id, type, caller));
    }

    private static WorkloadView Visible(WorkloadView? view, string id, WorkloadType type, Caller caller) =>
        view is null || view.Type != type || !view.Audience.VisibleTo(caller)
            ? throw DomainException.NotFound(type.ToString(), id)
            : view;

    /// <summary>Like <see cref="VisibleAsync"/>, and the caller must own it (or be an operator) to change it.</summary>
    public static async Task<IWorkloadGrain> OwnedAsync(string id, WorkloadType type, Caller caller, IGrainFactory grains)
    {
        var view = await VisibleAsync(id, type, caller, grains);
        caller.RequireOwner(view.Owner, type == WorkloadType.Ide ? "IDE" : "run", id);
        return grains.GetGrain<IWorkloadGrain>(id);
    }

    public static async Task<NoContent> DeleteAsync(string id, WorkloadType type, Caller caller, IGrainFactory grains)
    {
        await (await OwnedAsync(id, type, caller, grains)).Delete();
        return TypedResults.NoContent();
    }

    /// <summary>
    /// 422 <c>unplaceable</c> when the cpus or memory one worker asks for are more than any node of
    /// the clusters it may run on has (the pool places by GPUs; cpus and memory are not packed, so
    /// this is only the "can never fit" check). Defaults are not checked: only what was asked for.
    /// </summary>
    /// <param name="shared">In a batch, the look-ups its specs share (each group's candidate nodes asked once).</param>
    public static async Task RequireSomeNodeFitsAsync(WorkloadSpec spec, IGrainFactory grains, BatchLookups? shared = null)
    {
        if (spec.Cpus is null && spec.MemoryGiB is null)
        {
            return;
        }

        var (clusters, nodes) = await BatchLookups.Shared(shared, "nodes", $"{spec.Group}/{spec.Cluster}", () => CandidateNodesAsync(spec, grains));
        if (nodes.Count > 0 && !nodes.Any(n => n.Gpus >= spec.Gpus && n.Cpus >= (spec.Cpus ?? 0) && n.MemoryGiB >= (spec.MemoryGiB ?? 0)))
        {
            throw DomainException.Unprocessable("unplaceable",
                $"No node of {string.Join(", ", clusters)} has {spec.Cpus ?? WorkloadSpec.DefaultCpus} CPUs, {spec.MemoryGiB ?? WorkloadSpec.DefaultMemoryGiB} GiB of memory and {spec.Gpus} GPUs for one worker.");
        }
    }

    /// <summary>The clusters <paramref name="spec"/> may run on (its group's, narrowed to the one it names) and their nodes.</summary>
    private static async Task<(List<string> Clusters, List<NodeInfo> Nodes)> CandidateNodesAsync(WorkloadSpec spec, IGrainFactory grains)
    {
        // A cluster the group may not use is the pool's to refuse (unknown-cluster), not this check's.
        var clusters = ((await grains.GetGrain<IGroupGrain>(spec.Group).Get())?.Clusters is { Count: > 0 } ofGroup
                ? ofGroup
                : await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).List())
            .Where(c => spec.Cluster is null || c == spec.Cluster).ToList();
        var nodes = (await Task.WhenAll(clusters.Select(c => grains.GetGrain<IClusterGrain>(c).GetNodes()))).SelectMany(n => n).ToList();
        return (clusters, nodes);
    }

    /// <summary>Writes the log as text; with <paramref name="follow"/> the answer streams until the workload ends or the client leaves.</summary>
    public static async Task WriteLogAsync(string id, WorkloadType type, bool follow, HttpContext http, IGrainFactory grains)
    {
        await VisibleAsync(id, type, Auth.CallerContext.Caller(http), grains);
        http.Response.ContentType = "text/plain; charset=utf-8";
        await CopyLogAsync(grains.GetGrain<IWorkloadGrain>(id), follow, http, "");
    }

    /// <summary>Writes a workload's log lines to the answer, each after <paramref name="prefix"/> (which says whose it is when several logs share an answer).</summary>
    public static async Task CopyLogAsync(IWorkloadGrain workload, bool follow, HttpContext http, string prefix)
    {
        await foreach (var line in workload.ReadLog(follow, http.RequestAborted).WithCancellation(http.RequestAborted))
        {
            await http.Response.WriteAsync(prefix + line + "\n", http.RequestAborted);
            if (follow)
            {
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
    }
}
