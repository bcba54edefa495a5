using System.Data.Common;
using System.Text.Json;
using DKube.Abstractions.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace DKube.Api.Problems;

/// <summary>
/// Turns every exception that escapes an endpoint into problem details: domain errors keep
/// their status, malformed input is 400, an unreachable database or silo is 503, and only a
/// true bug is 500 (and logged as one).
/// </summary>
public sealed class ExceptionProblemMapper(IProblemDetailsService problems, ILogger<ExceptionProblemMapper> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ProblemFor(exception, httpContext, logger);

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == 503)
        {
            httpContext.Response.Headers.RetryAfter = "2";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// The problem an exception is answered with (also for one item of a batch); a bug is logged
    /// as an error and answered 500, an unavailable dependency logged as a warning.
    /// </summary>
    public static ProblemDetails ProblemFor(Exception exception, HttpContext httpContext, ILogger logger)
    {
        var problem = exception switch
        {
            DomainException domain => ProblemResults.From(domain),
            BadHttpRequestException bad => ProblemResults.Create(bad.StatusCode, ProblemResults.CodeOf(bad.StatusCode), Describe(bad)),
            JsonException json => ProblemResults.Create(400, "malformed-json", json.Message),
            DbException or TimeoutException or OrleansException or TaskCanceledException or DependencyUnavailableException
                when !httpContext.RequestAborted.IsCancellationRequested =>
                ProblemResults.Create(503, "unavailable", "A dependency of the service is unavailable; retry shortly."),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            return ProblemResults.Create(500, "internal", "An unexpected error occurred.");
        }

        if (problem.Status == 503)
        {
            logger.LogWarning(exception, "Dependency unavailable on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        return problem;
    }

    // The framework's message names the failing parameter or JSON path; the inner JSON error,
    // when there is one, says what was wrong with it.
    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
}
