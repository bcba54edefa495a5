using DKube.Abstractions.Errors;
using DKube.Abstractions.Workloads;
using DKube.Api.Auth;
using DKube.Api.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace DKube.Api.Ides;

/// <summary>
/// A run's or IDE's TensorBoard: a 0-GPU server (an IDE workload of kind <c>tensorboard</c>, id
/// <c>tb-{id}</c>, so it can be stopped and started again) on the same cluster, reading the
/// workload's <c>DKUBE_TENSORBOARD_DIR</c>, served through the gateway at <c>.../tensorboard/</c>.
/// </summary>
public static class TensorBoards
{
    public const string Kind = "tensorboard";

    /// <summary>The TensorBoard's own workload id, derived from the one it serves (a repeated start finds it).</summary>
    public static string IdOf(string workloadId) => "tb-" + workloadId;

    /// <summary><c>POST</c> and <c>DELETE /{id}/tensorboard</c> on the runs' or IDEs' group.</summary>
    public static void MapTensorBoard(this RouteGroupBuilder group, WorkloadType type)
    {
        var noun = type == WorkloadType.Ide ? "IDE" : "run";
        group.MapPost("/{id}/tensorboard", (string id, HttpContext http, IGrainFactory grains, [FromServices] TensorBoardSettings settings) =>
                StartAsync(id, type, http, grains, settings))
            .WithSummary($"Start TensorBoard on the {noun}'s `DKUBE_TENSORBOARD_DIR` (owner only; the command is `DKUBE_TENSORBOARD_COMMAND`); " +
                $"it is served at `{GatewayPaths.TensorBoard(type, "{id}")}` through the gateway. Answers the TensorBoard's workload (`endpoint` once it runs).");
        group.MapDelete("/{id}/tensorboard", (string id, HttpContext http, IGrainFactory grains) => StopAsync(id, type, http, grains))
            .WithSummary($"Stop the {noun}'s TensorBoard.");
    }

    /// <summary><c>/{id}/tensorboard/{**path}</c> at the server's root: the TensorBoard of a visible run or IDE.</summary>
    public static void MapTensorBoardGateway(RouteGroupBuilder gateway, WorkloadType type) =>
        gateway.MapMethods("/{id}/tensorboard/{**path}", IdeGateway.Verbs, async (string id, HttpContext http, GatewayAccess access, GatewayForwarder forwarder, IGrainFactory grains) =>
            {
                if (await access.CallerAsync(http) is not { } caller)
                {
                    await BearerAuthFilter.Unauthorized(http, "A bearer token is required.").ExecuteAsync(http);
                    return;
                }

                await access.VisibleAsync(id, type, caller);
                var board = await grains.GetGrain<IWorkloadGrain>(IdOf(id)).Get() ?? throw DomainException.NotFound("TensorBoard", id);
                await IdeGateway.ForwardToAsync(http, forwarder, board, board.Endpoint, $"the TensorBoard of '{id}'");
            })
            .WithSummary($"The {(type == WorkloadType.Ide ? "IDE" : "run")}'s TensorBoard (started with POST .../tensorboard), for its owner and group; 503 `not-ready` until it answers.");

    private static async Task<Ok<WorkloadView>> StartAsync(string id, WorkloadType type, HttpContext http, IGrainFactory grains, TensorBoardSettings settings)
    {
        await Workloads.OwnedAsync(id, type, http.Caller(), grains);
        var served = (await grains.GetGrain<IWorkloadGrain>(id).Get())!;
        if (served.Allocation is null)
        {
            throw DomainException.Conflict("invalid-state", $"'{id}' has not started: there is no TensorBoard folder to serve yet.");
        }

        var execution = $"{served.Id}-{served.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var board = grains.GetGrain<IWorkloadGrain>(IdOf(id));
        var existing = await board.Get();
        if (existing is not null && existing.Spec.BackendOptions.GetValueOrDefault(BackendOptionKeys.TensorBoardOf) != execution)
        {
            // It served an earlier attempt (an IDE started again): serve the current one.
            if (!existing.Status.IsFinal())
            {
                throw DomainException.Conflict("invalid-state", $"The TensorBoard of '{id}' still serves an earlier attempt; stop it first.");
            }

            await board.Delete();
            existing = null;
        }

        if (existing is { Status: WorkloadStatus.Stopping })
        {
            throw DomainException.Conflict("invalid-state", $"The TensorBoard of '{id}' is stopping; start it again once it has stopped.");
        }

        if (existing is not null)
        {
            return TypedResults.Ok(existing.Status.IsFinal() ? await board.Start() : existing);
        }

        // Same owner (so the same sandbox account, which may read the folder), group and cluster as what it serves.
        var spec = new WorkloadSpec($"{served.Name}-tensorboard", Kind, served.Group, served.Project, null, null, settings.Command, [], null,
            new Dictionary<string, string>(), 0, false, null, served.Allocation.Cluster, [], TimeSpan.FromHours(8),
            new Dictionary<string, string>
            {
                [BackendOptionKeys.TensorBoardOf] = execution,
                [BackendOptionKeys.TensorBoardPath] = GatewayPaths.TensorBoard(type, id),
            });
        return TypedResults.Ok(await board.Create(WorkloadType.Ide, spec, served.Owner, null, null));
    }

    private static async Task<Ok<WorkloadView>> StopAsync(string id, WorkloadType type, HttpContext http, IGrainFactory grains)
    {
        await Workloads.OwnedAsync(id, type, http.Caller(), grains);
        var board = grains.GetGrain<IWorkloadGrain>(IdOf(id));
        _ = await board.Get() ?? throw DomainException.NotFound("TensorBoard", id);
        return TypedResults.Ok(await board.Stop());
    }
}
