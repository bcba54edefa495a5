using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DKube.Api.Auth;
using DKube.Api.Contracts;
using DKube.Api.Endpoints;
using DKube.Api.Limits;
using DKube.Api.Ides;
using DKube.Api.Gateway;
using DKube.Api.Feeds;
using DKube.Api.Problems;
using DKube.Api.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DKube.Api;

/// <summary>Registers and maps the HTTP front: JSON conventions, problem details, OpenAPI and every endpoint group.</summary>
public static class DKubeApi
{
    public const string BasePath = "/api/v1";

    /// <summary>Request bodies larger than this are refused with 413 (uploads have their own limit).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>How long a resolved bearer token is kept when no change announcement reaches this process.</summary>
    public static readonly TimeSpan DefaultCallerCacheTtl = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddDKubeApi(this IServiceCollection services, TenantLimitSettings? limits = null, TimeSpan? callerCacheTtl = null, GatewayOptions? gateway = null, FeedOptions? feed = null)
    {
        (limits ??= new TenantLimitSettings()).Validate();
        services.AddSingleton(limits);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GroupLimitsCache>();
        services.AddSingleton(RequestLanes.For(limits));
        services.AddSingleton<TenantRateLimiter>();
        services.AddSingleton(feed ?? new FeedOptions());
        services.AddSingleton<LiveFeed>();
        services.AddSingleton(sp => new CallerCache(sp.GetService<TimeProvider>() ?? TimeProvider.System, callerCacheTtl ?? DefaultCallerCacheTtl));
        services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Answers the framework writes itself (unknown route 404, wrong verb 405) get our types too.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails.Type?.StartsWith(ProblemTypes.Prefix, StringComparison.Ordinal) != true)
            {
                context.ProblemDetails.Type = ProblemTypes.For(ProblemResults.CodeOf(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
            }
        });
        services.AddExceptionHandler<ExceptionProblemMapper>();
        services.AddOpenApi();
        services.AddHttpForwarder();
        services.AddSingleton<GatewayForwarder>();
        services.AddSingleton(sp => new GatewayAccess(BearerAuthFilter.Create(sp, operatorOnly: false), sp.GetRequiredService<IGrainFactory>()));
        services.AddServingGateway(gateway);
        return services;
    }

    /// <summary>
    /// The live feed's one subscription with the hub, for a process that serves the API (a silo
    /// without the API holds no feed clients, so it does not subscribe).
    /// </summary>
    public static IServiceCollection AddDKubeFeeds(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());

    /// <summary>camelCase, enums as strings, unknown fields refused rather than silently dropped, hyperparameters typed.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Converters.Add(new JsonStringEnumConverter());
        options.MaxDepth = 32;
        options.TypeInfoResolver = JsonTypeInfoResolver.WithAddedModifier(options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver(), TypedHyperparameters.Apply);
    }

    /// <summary>What every role serves: error handling and the health probes.</summary>
    public static WebApplication MapDKubeHealth(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        return app;
    }

    /// <summary>The REST API of API.md and its OpenAPI document (after <see cref="MapDKubeHealth"/>).</summary>
    public static WebApplication MapDKubeApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseMiddleware<StorableInputGuard>();

        var api = app.MapGroup(BasePath);
        api.MapUserEndpoints();
        api.MapGroupEndpoints();
        api.MapProjectEndpoints();
        api.MapClusterEndpoints();
        api.MapRunEndpoints();
        api.MapStudyEndpoints();
        api.MapIdeEndpoints();
        api.MapTemplateEndpoints();
        api.MapLeaderboardEndpoints();
        api.MapRepoEndpoints();
        api.MapDeploymentEndpoints();
        api.MapMonitorEndpoints();
        // The gateway lives at the server's root (API.md: /serve/... is not under /api/v1).
        app.MapServingGateway();
        api.MapLiveEndpoints();
        api.MapPipelineEndpoints();
        api.MapExperimentEndpoints();
        api.MapPipelineRunEndpoints();
        // The gateway's paths are at the root, beside the API, not under it.
        app.MapIdeGateway();
        return app;
    }
}
