using System.Net;

namespace DKube.WebUi.Services;

/// <summary>An API answer other than success, with the problem's own words, for a page to show.</summary>
public sealed class ApiProblem(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
