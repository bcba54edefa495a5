using DKube.Abstractions.Tenancy;
using Microsoft.AspNetCore.Http;

namespace DKube.Api.Auth;

/// <summary>Where the authenticated caller of a request is kept.</summary>
public static class CallerContext
{
    private static readonly object Key = new();

    public static void SetCaller(this HttpContext context, Caller caller) => context.Items[Key] = caller;

    /// <summary>The caller that <see cref="BearerAuthFilter"/> authenticated.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.Items[Key] as Caller ?? throw new InvalidOperationException("The endpoint is not behind the bearer filter.");
}
