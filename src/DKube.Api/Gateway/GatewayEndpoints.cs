using System.Diagnostics;
using System.Net;
using DKube.Abstractions.Common;
using DKube.Abstractions.Serving;
using DKube.Api.Auth;
using DKube.Api.Limits;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace DKube.Api.Gateway;

/// <summary>
/// <c>/serve/{deployment}/{path}</c> at the server's root: a bearer token of someone who may see
/// the deployment, then YARP's forwarder to the least-loaded ready replica at its prefix + path.
/// Every answer carries <c>X-Request-Id</c> (the caller's, or a new one) and is recorded in the
/// prediction log (off the request's path) and the gateway's Prometheus series.
/// </summary>
public static class GatewayEndpoints
{
    public const string RequestIdHeader = "X-Request-Id";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>One connection pool to all replicas.</summary>
    private static readonly HttpMessageInvoker Client = ForwardingClient.Create(connectTimeout: TimeSpan.FromSeconds(5));

    public static IServiceCollection AddServingGateway(this IServiceCollection services, GatewayOptions? options = null)
    {
        services.AddHttpForwarder();
        services.AddSingleton(options ?? new GatewayOptions());
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ServingGateway>(sp, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddHostedService(sp => sp.GetRequiredService<ServingGateway>());
        return services;
    }

    public static void MapServingGateway(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/serve/{deployment}/{**path}", Methods, ServeAsync).RequireCaller().LimitedAs(LimitPartition.Inference).WithTags("Inference gateway")
            .WithSummary("Inference: any method is forwarded to the least-loaded ready replica of the deployment at its `prefix` + `/{path}`; waits while every replica is busy or none is up (scaled to zero); 503 with Retry-After when the wait list is full. Answers carry X-Request-Id.");
    }

    private static async Task ServeAsync(string deployment, string? path, HttpContext http, ServingGateway gateway, GatewayOptions options, IHttpForwarder forwarder,
        IPredictionLog log, GatewayMetrics metrics)
    {
        var requestId = RequestIdOf(http.Request);
        http.Response.Headers[RequestIdHeader] = requestId;
        var caller = http.Caller();
        var traffic = ResourceIds.IsWellFormed(deployment) ? await gateway.FindAsync(deployment) : null;
        if (traffic?.Routes is not { } routes || !caller.CanSee(routes.Owner, routes.Group))
        {
            await ProblemResults.Result(StatusCodes.Status404NotFound, "not-found", $"Deployment '{deployment}' was not found.").ExecuteAsync(http);
            return;
        }

        // Every answer from here on is recorded (status and latency: the deployment's health and
        // metrics); with logPredictions its JSON bodies too, copied as they stream through.
        var at = gateway.Time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var (input, output, responseBody) = routes.LogPredictions ? Capture(http, options.MaxPredictionBodyBytes) : (null, null, null);
        var forwarded = false;
        var finished = false;
        try
        {
            forwarded = await ForwardAsync(deployment, path, http, gateway, traffic, requestId, options, forwarder);
            finished = true;
        }
        finally
        {
            if (responseBody is not null)
            {
                http.Response.Body = responseBody;
            }

            // A caller that went away before its answer: nginx's 499 rather than whatever status was set.
            var status = finished || !http.RequestAborted.IsCancellationRequested ? http.Response.StatusCode : 499;
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.Answered(deployment, status, elapsed);
            if (traffic.Routes?.Status != DeploymentStatus.Imported)
            {
                // Bodies only of what a replica was asked and answered (not the gateway's own problems),
                // and both or neither: a prediction without its inputs (or outputs) would mislead a monitor.
                var (inputs, outputs) = forwarded && input is { Overflowed: false } && output is { Overflowed: false }
                    ? (input.TakeJson(), output.TakeJson())
                    : (null, null);
                var both = inputs is not null && outputs is not null;
                log.TryAppend(new PredictionRecord(deployment, requestId, at, status, elapsed.TotalMilliseconds,
                    both ? inputs : null, both ? outputs : null));
            }

            input?.Dispose();
            output?.Dispose();
        }
    }

    /// <summary>
    /// Tees the request and response bodies into bounded copies. A request announced larger than
    /// the bound is not copied at all; a response is given up as soon as it passes the bound.
    /// </summary>
    private static (BodyCapture? Input, BodyCapture? Output, Stream? ResponseBody) Capture(HttpContext http, int limit)
    {
        var input = http.Request.ContentLength > limit ? BodyCapture.TooLarge(http.Request.Body) : new BodyCapture(http.Request.Body, limit);
        http.Request.Body = input;
        var responseBody = http.Response.Body;
        var output = new BodyCapture(responseBody, limit);
        http.Response.Body = output;
        return (input, output, responseBody);
    }

    /// <summary>Answers the request from a replica (or with the gateway's 409/503); true when it reached one.</summary>
    private static async Task<bool> ForwardAsync(string deployment, string? path, HttpContext http, ServingGateway gateway, DeploymentTraffic traffic, string requestId,
        GatewayOptions options, IHttpForwarder forwarder)
    {
        for (var attempt = 0; ; attempt++)
        {
            var routes = traffic.Routes!;
            if (routes.Status is DeploymentStatus.Stopped or DeploymentStatus.Error or DeploymentStatus.Imported)
            {
                await ProblemResults.Result(StatusCodes.Status409Conflict, "deployment-not-serving",
                    $"Deployment '{deployment}' is {routes.Status}; it serves no requests here.").ExecuteAsync(http);
                return false;
            }

            if (traffic.HasNoReplica)
            {
                gateway.Wake(traffic);
            }

            var slot = await traffic.AcquireAsync(options.MaxWait, http.RequestAborted);
            if (slot is null)
            {
                http.RequestAborted.ThrowIfCancellationRequested();
                http.Response.Headers.RetryAfter = "1";
                await ProblemResults.Result(StatusCodes.Status503ServiceUnavailable, "overloaded",
                    $"Every replica of '{deployment}' is busy and its wait list is full (or no replica became ready in time); try again.").ExecuteAsync(http);
                return false;
            }

            ForwarderError error;
            try
            {
                error = await forwarder.SendAsync(http, slot.Url, Client, ForwarderRequestConfig.Empty,
                    new ReplicaTransformer(routes.Prefix, path, requestId));
            }
            finally
            {
                traffic.Release(slot);
            }

            if (error == ForwarderError.Request && !http.Response.HasStarted && attempt == 0 && !HasBody(http.Request))
            {
                // The replica refused the connection (it died; its end is on its way to the
                // deployment): nothing reached it, so another replica may take the request.
                traffic.Unreachable(slot);
                http.Features.Set<IForwarderErrorFeature>(null);
                http.Response.StatusCode = StatusCodes.Status200OK;
                continue;
            }

            return true;
        }
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0;

    /// <summary>The caller's request id when it is a sane token, else a new one.</summary>
    private static string RequestIdOf(HttpRequest request)
    {
        var given = request.Headers[RequestIdHeader].ToString();
        return given.Length is > 0 and <= 128 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? given
            : Guid.NewGuid().ToString("N");
    }
}
