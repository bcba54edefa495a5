using DKube.Abstractions.Repos;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Endpoints;

/// <summary>What only models have: stages (Development, Published, Deployed), publishing, and side-by-side comparison.</summary>
public static class ModelEndpoints
{
    public const int MaxCompared = 10;

    public static void MapModelEndpoints(this RouteGroupBuilder models)
    {
        models.MapPost("/{id}/versions/{version:int}/publish", Publish).WithSummary("Publish a model version with its serving image and optional transformer.");
        models.MapPut("/{id}/versions/{version:int}/stage", SetStage).WithSummary("Move a model version to Development, Published or Deployed.");
        models.MapGet("/{id}/compare", Compare).WithSummary("Compare two or more versions: lineage, hyperparameters and metrics side by side (?versions=1,2).");
    }

    private static async Task<Ok<VersionView>> Publish(string id, int version, PublishModelRequest request, HttpContext http, IGrainFactory grains)
    {
        new RequestValidator()
            .ImageReference("servingImage", request.ServingImage)
            .ImageReference("transformerImage", request.TransformerImage, required: false)
            .Text("transformerCommand", request.TransformerCommand, 4096)
            .ThrowIfInvalid();
        await RepoAccess.WritableDataAsync(RepoKind.Model, id, http.Caller(), grains);
        var serving = new ServingSpec(request.ServingImage!, request.TransformerImage, request.TransformerCommand);
        return TypedResults.Ok(await grains.GetGrain<IDataRepoGrain>(id).SetStage(version, ModelStage.Published, serving));
    }

    private static async Task<Ok<VersionView>> SetStage(string id, int version, ModelStageRequest request, HttpContext http, IGrainFactory grains)
    {
        new RequestValidator().Check(request.Stage is not null, "stage", "is required: Development, Published or Deployed.").ThrowIfInvalid();
        await RepoAccess.WritableDataAsync(RepoKind.Model, id, http.Caller(), grains);
        return TypedResults.Ok(await grains.GetGrain<IDataRepoGrain>(id).SetStage(version, request.Stage!.Value, null));
    }

    private static async Task<Ok<ModelComparison>> Compare(string id, string? versions, HttpContext http, IGrainFactory grains)
    {
        var numbers = (versions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1)
            .ToList();
        new RequestValidator()
            .Check(numbers.Count is >= 2 and <= MaxCompared && numbers.All(n => n > 0) && numbers.Distinct().Count() == numbers.Count,
                "versions", $"must list 2 to {MaxCompared} distinct version numbers, e.g. versions=1,2.")
            .ThrowIfInvalid();
        var caller = http.Caller();
        var found = new List<VersionView>();
        foreach (var number in numbers)
        {
            found.Add(await RepoAccess.VisibleVersionAsync(RepoKind.Model, id, number, caller, grains));
        }

        var hyperparameters = found.SelectMany(v => v.Lineage?.Hyperparameters.Keys ?? []).Distinct().Order(StringComparer.Ordinal)
            .ToDictionary(k => k, k => (IReadOnlyList<string?>)found.Select(v => v.Lineage?.Hyperparameters.GetValueOrDefault(k)).ToList());
        var metrics = found.SelectMany(v => v.Lineage?.Metrics?.Keys ?? []).Distinct().Order(StringComparer.Ordinal)
            .ToDictionary(k => k, k => (IReadOnlyList<double?>)found.Select(v => v.Lineage?.Metrics is { } m && m.TryGetValue(k, out var x) ? x : (double?)null).ToList());
        return TypedResults.Ok(new ModelComparison(id, found, hyperparameters, metrics));
    }
}
