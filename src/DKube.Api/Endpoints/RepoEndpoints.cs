using DKube.Abstractions.Repos;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>Maps everything of issue 5 (code, datasets, featuresets, models, images) with one call.</summary>
public static class RepoEndpoints
{
    public static void MapRepoEndpoints(this RouteGroupBuilder api)
    {
        api.MapCodeEndpoints();
        api.MapDataRepoEndpoints("/datasets", RepoKind.Dataset);
        api.MapDataRepoEndpoints("/featuresets", RepoKind.FeatureSet).MapFeatureSetEndpoints();
        var models = api.MapDataRepoEndpoints("/models", RepoKind.Model);
        models.MapModelEndpoints();
        models.MapModelBuildEndpoints();
        api.MapImageEndpoints();
    }
}
