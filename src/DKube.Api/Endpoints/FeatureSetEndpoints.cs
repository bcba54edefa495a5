using DKube.Abstractions.Repos;
using DKube.Api.Auth;
using DKube.Api.Problems;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>What only featuresets have: a feature specification uploaded as YAML.</summary>
public static class FeatureSetEndpoints
{
    public static void MapFeatureSetEndpoints(this RouteGroupBuilder featuresets)
    {
        featuresets.MapPut("/{id}/spec", PutSpec)
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithSummary("Replace the feature specification with a YAML list of {name, description, schema}.");
    }

    private static async Task<IResult> PutSpec(string id, HttpContext http, IGrainFactory grains)
    {
        if (!YamlBody.IsYaml(http.Request))
        {
            return ProblemResults.Result(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Send the specification as application/yaml.");
        }

        await RepoAccess.WritableDataAsync(RepoKind.FeatureSet, id, http.Caller(), grains);
        using var reader = new StreamReader(http.Request.Body);
        var features = FeatureSpecParser.Parse(await reader.ReadToEndAsync(http.RequestAborted));
        return TypedResults.Ok(await grains.GetGrain<IDataRepoGrain>(id).Update(new DataRepoChange(null, null, null, features)));
    }
}
