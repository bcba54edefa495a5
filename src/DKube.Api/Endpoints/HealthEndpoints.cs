using DKube.Abstractions.Common;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Runtime;

namespace DKube.Api.Endpoints;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (silo cluster and database answer).</summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).WithTags("Health").WithSummary("The process is alive.");
        app.MapGet("/readyz", Ready).WithTags("Health").WithSummary("The silo cluster and the database are reachable.");
    }

    private static async Task<IResult> Ready(IResourceDirectory directory, IGrainFactory grains, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var database = await directory.PingAsync(timeout.Token);
        int silos;
        try
        {
            silos = (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ProbeTimeout, cancellationToken)).Count;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
        {
            silos = 0;
        }

        return database && silos > 0
            ? TypedResults.Ok(new { status = "ready", silos })
            : ProblemResults.Result(StatusCodes.Status503ServiceUnavailable, "not-ready",
                $"database {(database ? "reachable" : "unreachable")}, {silos} active silo(s).");
    }
}
