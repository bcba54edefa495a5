using DKube.Abstractions.Repos;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Versions of a dataset, featureset or model: upload as tar or zip, list, read, download as tar, lineage.</summary>
public static class VersionEndpoints
{
    public static void MapVersionEndpoints(this RouteGroupBuilder repos, RepoKind kind)
    {
        repos.MapGet("/{id}/versions", async (string id, int? limit, string? cursor, HttpContext http, IGrainFactory grains) =>
        {
            var query = ListParameters.Parse(limit, cursor, null, null);
            var after = VersionCursor.Decode(query.Cursor);
            await RepoAccess.VisibleDataAsync(kind, id, http.Caller(), grains);

            // One more than asked tells whether another page follows without a count.
            var versions = await grains.GetGrain<IDataRepoGrain>(id).ListVersions(after, query.Limit + 1);
            var page = versions.Take(query.Limit).ToList();
            return TypedResults.Ok(new ItemsPage<VersionView>(page, versions.Count > query.Limit ? VersionCursor.Encode(page[^1].Version) : null));
        }).WithSummary("List versions, oldest first, with size, file count, creator and creating run (`limit`, `cursor`).");
        repos.MapPost("/{id}/versions", (string id, HttpContext http, IGrainFactory grains, IVersionArchives archives, RepoSettings settings) =>
            UploadAsync(kind, id, http, grains, archives, settings))
            .Accepts<Stream>("application/x-tar", "application/zip")
            .WithSummary("Upload the next version as a tar or zip body (size-limited; unsafe paths and links are refused with 422).");
        repos.MapGet("/{id}/versions/{version:int}", async (string id, int version, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await RepoAccess.VisibleVersionAsync(kind, id, version, http.Caller(), grains))).WithSummary("Get one version.");
        repos.MapGet("/{id}/versions/{version:int}/archive", async (string id, int version, HttpContext http, IGrainFactory grains, IVersionArchives archives) =>
        {
            var repo = await RepoAccess.VisibleDataAsync(kind, id, http.Caller(), grains);
            await RepoAccess.VisibleVersionAsync(kind, id, version, http.Caller(), grains);
            return TypedResults.Stream(
                body => archives.ExportAsync(kind, id, version, body, http.RequestAborted), "application/x-tar", $"{repo.Name}-v{version}.tar");
        }).WithSummary("Download a version as a tar archive.");
        repos.MapGet("/{id}/versions/{version:int}/lineage", async (string id, int version, HttpContext http, IGrainFactory grains) =>
        {
            var caller = http.Caller();
            await RepoAccess.VisibleVersionAsync(kind, id, version, caller, grains);
            return TypedResults.Ok(await LineageWalker.WalkAsync(new VersionId(kind, id, version), caller, grains));
        }).WithSummary("The graph of runs and versions this version was made from, back to uploaded roots.");
    }

    private static async Task<IResult> UploadAsync(RepoKind kind, string id, HttpContext http, IGrainFactory grains, IVersionArchives archives, RepoSettings settings)
    {
        var caller = http.Caller();
        await RepoAccess.WritableDataAsync(kind, id, caller, grains);
        ArchiveFormat? format = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "application/x-tar" or "application/tar" => ArchiveFormat.Tar,
            "application/zip" or "application/x-zip-compressed" => ArchiveFormat.Zip,
            _ => null,
        };
        if (format is null)
        {
            return ProblemResults.Result(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Upload a version as application/x-tar or application/zip.");
        }

        // The API-wide body limit is for JSON; an upload has its own, and a declared length over
        // it is refused before a byte is read.
        if (http.Request.ContentLength > settings.MaxUploadBytes)
        {
            return TooLarge(settings.MaxUploadBytes);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.MaxUploadBytes;
        }

        try
        {
            var version = await archives.ImportAsync(kind, id, http.Request.Body, format.Value, caller.Name, http.RequestAborted);
            return TypedResults.Created($"{DKubeApi.BasePath}/{RepoKinds.Of(kind)}s/{id}/versions/{version.Version}", version);
        }
        catch (PayloadTooLargeException)
        {
            return TooLarge(settings.MaxUploadBytes);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(settings.MaxUploadBytes);
        }
    }

    private static IResult TooLarge(long limit) =>
        ProblemResults.Result(StatusCodes.Status413PayloadTooLarge, "payload-too-large", $"An upload may be at most {limit} bytes; nothing was stored.");
}
