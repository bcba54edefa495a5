using DKube.Abstractions.Common;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;

namespace DKube.Api.Endpoints;

/// <summary>Visibility and placement rules shared by the repository endpoints: anything not visible is a 404.</summary>
public static class RepoAccess
{
    /// <summary>The group and project a new resource goes to: the project's group when a (visible) project is named.</summary>
    public static async Task<(string Group, string? Project)> PlaceAsync(Caller caller, string? group, string? project, IGrainFactory grains)
    {
        if (project is null)
        {
            return (CallerGroups.Resolve(caller, group), null);
        }

        var found = await ProjectEndpoints.VisibleAsync(project, caller, grains);
        return (group is null ? found.Group : CallerGroups.Resolve(caller, group), found.Id);
    }

    /// <summary>The project a resource moves to, after checking the caller may see it (null: no move).</summary>
    public static async Task<string?> MoveTargetAsync(Caller caller, string? project, IGrainFactory grains) =>
        project is null ? null : (await ProjectEndpoints.VisibleAsync(project, caller, grains)).Id;

    public static async Task<CodeRepoView> VisibleCodeAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<ICodeRepoGrain>(id).Get() : null;
        return view is not null && caller.CanSee(view.Owner, view.Group) ? view : throw DomainException.NotFound("Code repository", id);
    }

    public static async Task<DataRepoView> VisibleDataAsync(RepoKind kind, string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IDataRepoGrain>(id).Get() : null;
        return view is not null && view.Kind == kind && view.VisibleTo(caller) ? view : throw DomainException.NotFound(kind.ToString(), id);
    }

    /// <summary>
    /// A repository the caller may change (<see cref="WriteRule"/>): its owner or an operator;
    /// group members (and, for featuresets, which everyone reads, strangers) get 403.
    /// </summary>
    public static async Task<DataRepoView> WritableDataAsync(RepoKind kind, string id, Caller caller, IGrainFactory grains)
    {
        var view = await VisibleDataAsync(kind, id, caller, grains);
        caller.RequireOwner(view.Owner, kind.ToString(), id);
        return view;
    }

    /// <summary>A code repository the caller may change or delete (<see cref="WriteRule"/>).</summary>
    public static async Task<CodeRepoView> WritableCodeAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = await VisibleCodeAsync(id, caller, grains);
        caller.RequireOwner(view.Owner, "code repository", id);
        return view;
    }

    /// <summary>An image the caller may change or delete (<see cref="WriteRule"/>).</summary>
    public static async Task<ImageView> WritableImageAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = await VisibleImageAsync(id, caller, grains);
        caller.RequireOwner(view.Owner, "image", id);
        return view;
    }

    public static async Task<VersionView> VisibleVersionAsync(RepoKind kind, string id, int version, Caller caller, IGrainFactory grains)
    {
        await VisibleDataAsync(kind, id, caller, grains);
        return await grains.GetGrain<IDataRepoGrain>(id).GetVersion(version) ?? throw DomainException.NotFound($"Version {version} of", id);
    }

    public static async Task<ImageView> VisibleImageAsync(string id, Caller caller, IGrainFactory grains)
    {
        var view = ResourceIds.IsWellFormed(id) ? await grains.GetGrain<IImageGrain>(id).Get() : null;
        return view is not null && caller.CanSee(view.Owner, view.Group) ? view : throw DomainException.NotFound("Image", id);
    }
}
