using DKube.Abstractions.Common;
using DKube.Abstractions.Repos;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>The image catalog: named images, visible to the owner's group, with sealed registry credentials when private.</summary>
public static class ImageEndpoints
{
    public static void MapImageEndpoints(this RouteGroupBuilder api)
    {
        var images = api.MapGroup("/images").WithTags("Images").RequireCaller();
        images.MapPost("/", Create).WithSummary("Add an image to the catalog (credentials for a private registry are sealed, never shown).");
        images.MapList(RepoKinds.Image, "images");
        images.MapGet("/{id}", async (string id, HttpContext http, IGrainFactory grains) => TypedResults.Ok(await RepoAccess.VisibleImageAsync(id, http.Caller(), grains)))
            .WithSummary("Get an image.");
        images.MapPatch("/{id}", Update).WithSummary("Change an image's description or project.");
        images.MapDelete("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            await RepoAccess.WritableImageAsync(id, http.Caller(), grains);
            await grains.GetGrain<IImageGrain>(id).Delete();
            return TypedResults.NoContent();
        }).WithSummary("Remove an image from the catalog.");
    }

    private static async Task<Created<ImageView>> Create(CreateImageRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        var validator = new RequestValidator()
            .Name("name", request.Name)
            .Name("group", request.Group, required: false)
            .ImageReference("url", request.Url)
            .Text("description", request.Description, 4096)
            .Check(request.Credentials?.Kind != CredentialKind.SshKey, "credentials.kind", "must be Password or Token for a registry.");
        var credentials = validator.Credentials("credentials", request.Credentials);
        validator.ThrowIfInvalid();
        var (group, project) = await RepoAccess.PlaceAsync(caller, request.Group, request.Project, grains);
        var view = await grains.GetGrain<IImageGrain>(ResourceIds.New("im")).Create(
            new ImageSpec(request.Name!, caller.Name, group, project, request.Url!, request.Description, credentials));
        return TypedResults.Created($"{DKubeApi.BasePath}/images/{view.Id}", view);
    }

    private static async Task<Ok<ImageView>> Update(string id, UpdateImageRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.Caller();
        new RequestValidator().Text("description", request.Description, 4096).ThrowIfInvalid();
        await RepoAccess.WritableImageAsync(id, caller, grains);
        var project = await RepoAccess.MoveTargetAsync(caller, request.Project, grains);
        return TypedResults.Ok(await grains.GetGrain<IImageGrain>(id).Update(request.Description, project));
    }
}
