using DKube.Abstractions.Pools;
using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Limits;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Groups and their members: the operator manages them, members may read their own.</summary>
public static class GroupEndpoints
{
    /// <summary>A pool larger than this is a typo, not a cluster.</summary>
    public const int MaxGpus = 100_000;

    /// <summary>A week: longer than that, a best-effort queue is simply unfair.</summary>
    public const int MaxHeadAgeMinutes = 7 * 24 * 60;

    private static TimeSpan? MaxHeadAge(int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

    public static void MapGroupEndpoints(this RouteGroupBuilder api)
    {
        var read = api.MapGroup("/groups").WithTags("Groups").RequireCaller();
        read.MapGet("/", ListGroups).WithSummary("List the groups the caller belongs to (all, for the operator).");
        read.MapGet("/{group}", GetGroup).WithSummary("Get a group the caller belongs to.");
        read.MapGet("/{group}/pool", GetPool).WithSummary("The group's GPU pool: size, use per cluster, what runs and the queue in order with positions and estimated starts.");

        var admin = api.MapGroup("/groups").WithTags("Groups").RequireOperator();
        admin.MapPost("/", CreateGroup).WithSummary("Create a group with a GPU pool of `gpus` GPUs.");
        admin.MapPut("/{group}", ResizeGroup).WithSummary("Change the group's GPU pool: its size (`gpus`), `queuePolicy` and `maxHeadAgeMinutes`; queued work is re-evaluated.");
        admin.MapPut("/{group}/limits", SetLimits).WithSummary(
            "Set the group's limits: the rate limits of its members (`readsPerSecond`, `readBurst`, `writesPerSecond`, `writeBurst`) and its object quotas (`queuedPerUser`, `queuedPerGroup`, `deployments`, `monitors`); an omitted field keeps the server's default. Applies from the next request.");
        admin.MapPut("/{group}/members/{user}", AddMember).InvalidatesCallers().WithSummary("Add a user to the group.");
        admin.MapDelete("/{group}/members/{user}", RemoveMember).InvalidatesCallers().WithSummary("Remove a user from the group.");
    }

    private static async Task<Created<GroupView>> CreateGroup(CreateGroupRequest request, IGrainFactory grains)
    {
        var validator = new RequestValidator()
            .Name("name", request.Name)
            .Range("gpus", request.Gpus, 0, MaxGpus)
            .Range("maxHeadAgeMinutes", request.MaxHeadAgeMinutes, 0, MaxHeadAgeMinutes, required: false);
        foreach (var cluster in request.Clusters ?? [])
        {
            validator.Name("clusters", cluster);
        }

        validator.ThrowIfInvalid();
        var view = await grains.GetGrain<IGroupGrain>(request.Name!).Create(
            request.Gpus!.Value, request.Clusters?.Distinct().ToList() ?? [], request.QueuePolicy, MaxHeadAge(request.MaxHeadAgeMinutes));
        return TypedResults.Created($"{DKubeApi.BasePath}/groups/{view.Name}", view);
    }

    private static async Task<Ok<GroupView>> ResizeGroup(string group, ResizeGroupRequest request, IGrainFactory grains)
    {
        new RequestValidator()
            .Range("gpus", request.Gpus, 0, MaxGpus)
            .Range("maxHeadAgeMinutes", request.MaxHeadAgeMinutes, 0, MaxHeadAgeMinutes, required: false)
            .ThrowIfInvalid();
        return TypedResults.Ok(await grains.GetGrain<IGroupGrain>(group).Resize(request.Gpus!.Value, request.QueuePolicy, MaxHeadAge(request.MaxHeadAgeMinutes)));
    }

    /// <summary>A rate above this is no limit at all; written out so that a typo is refused rather than obeyed.</summary>
    public const int MaxRate = 1_000_000;

    /// <summary>The largest object quota the operator may set (0 forbids the kind of object in the group).</summary>
    public const int MaxQuota = 1_000_000;

    private static async Task<Ok<GroupView>> SetLimits(string group, GroupLimits request, IGrainFactory grains, GroupLimitsCache cache)
    {
        new RequestValidator()
            .Check(request.ReadsPerSecond is null or (> 0 and <= MaxRate), "readsPerSecond", $"Must be above 0 and at most {MaxRate}.")
            .Check(request.WritesPerSecond is null or (> 0 and <= MaxRate), "writesPerSecond", $"Must be above 0 and at most {MaxRate}.")
            .Range("readBurst", request.ReadBurst, 1, MaxRate, required: false)
            .Range("writeBurst", request.WriteBurst, 1, MaxRate, required: false)
            .Range("queuedPerUser", request.QueuedPerUser, 0, MaxQuota, required: false)
            .Range("queuedPerGroup", request.QueuedPerGroup, 0, MaxQuota, required: false)
            .Range("deployments", request.Deployments, 0, MaxQuota, required: false)
            .Range("monitors", request.Monitors, 0, MaxQuota, required: false)
            .ThrowIfInvalid();
        var view = await grains.GetGrain<IGroupGrain>(group).SetLimits(request);
        cache.Set(group, request);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<GroupView>> AddMember(string group, string user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IGroupGrain>(group).AddMember(user));

    private static async Task<Ok<GroupView>> RemoveMember(string group, string user, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IGroupGrain>(group).RemoveMember(user));

    private static async Task<Ok<ItemsPage<GroupView>>> ListGroups(HttpContext http, IResourceDirectory directory, int? limit, string? cursor)
    {
        var query = ListParameters.Parse(limit, cursor, null, null);
        var page = await directory.ListGroupsAsync(http.Caller(), query.Limit, query.Cursor, http.RequestAborted);
        return TypedResults.Ok(new ItemsPage<GroupView>(page.Items, page.NextCursor));
    }

    private static async Task<Ok<GroupView>> GetGroup(string group, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(await VisibleGroupAsync(group, http.Caller(), grains));

    private static async Task<Ok<PoolView>> GetPool(string group, HttpContext http, IGrainFactory grains)
    {
        await VisibleGroupAsync(group, http.Caller(), grains);
        return TypedResults.Ok((await grains.GetGrain<IGroupPoolGrain>(group).GetView()).SeenBy(http.Caller()));
    }

    private static async Task<GroupView> VisibleGroupAsync(string group, Caller caller, IGrainFactory grains)
    {
        if (!caller.IsOperator && !caller.Groups.Contains(group))
        {
            throw DomainException.NotFound("Group", group);
        }

        return await grains.GetGrain<IGroupGrain>(group).Get() ?? throw DomainException.NotFound("Group", group);
    }
}
