using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>The one way a resource list is answered: a page of the read model (never a fan-out to grains).</summary>
public static class Listings
{
    /// <summary>Maps <c>GET /</c> of <paramref name="group"/> to pages of <paramref name="kind"/> the caller may see.</summary>
    public static RouteHandlerBuilder MapList(this RouteGroupBuilder group, string kind, string what) =>
        group.MapGet("/", (HttpContext http, IResourceDirectory directory, int? limit, string? cursor, string? scope, string? project) =>
                PageAsync(kind, http.Caller(), http, directory, limit, cursor, scope, project))
            .WithSummary($"List visible {what} (`scope`, `project`, `limit`, `cursor`).");

    /// <summary>One page of <paramref name="kind"/> as <paramref name="lister"/> sees it.</summary>
    public static async Task<Ok<ItemsPage<RawJson>>> PageAsync(
        string kind, Caller lister, HttpContext http, IResourceDirectory directory, int? limit, string? cursor, string? scope, string? project)
    {
        var page = await directory.ListAsync(kind, lister, ListParameters.Parse(limit, cursor, scope, project), http.RequestAborted);
        return TypedResults.Ok(new ItemsPage<RawJson>(page.Items, page.NextCursor));
    }
}
