using DKube.Abstractions.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DKube.Api.Problems;

/// <summary>Builds the problem-details answers of API.md.</summary>
public static class ProblemResults
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemDetails From(DomainException error)
    {
        var problem = Create(StatusOf(error.Kind), error.Code, error.Message);
        if (error.Errors is { Count: > 0 } errors)
        {
            problem.Extensions["errors"] = errors;
        }

        if (error.Quota is { } quota)
        {
            problem.Extensions["quota"] = quota.Quota;
            problem.Extensions["group"] = quota.Group;
            problem.Extensions["limit"] = quota.Limit;
            problem.Extensions["use"] = quota.Use;
        }

        return problem;
    }

    public static ProblemDetails Create(int status, string code, string detail) => new()
    {
        Status = status,
        Type = ProblemTypes.For(code),
        Title = TitleOf(status),
        Detail = detail,
    };

    /// <summary>The code of an answer the framework made itself (a bad request, an unknown route or verb).</summary>
    public static string CodeOf(int status) => status switch
    {
        401 => "unauthorized",
        404 => "not-found",
        405 => "method-not-allowed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        _ => "malformed-request",
    };

    public static ProblemHttpResult Result(int status, string code, string detail) =>
        TypedResults.Problem(Create(status, code, detail));

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable request",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => "Error",
    };
}
