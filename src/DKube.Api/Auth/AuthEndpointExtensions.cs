using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using DKube.Api.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Api.Auth;

public static class AuthEndpointExtensions
{
    /// <summary>Every endpoint of the builder needs a valid bearer token.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddBearerFilter(operatorOnly: false);

    /// <summary>Every endpoint of the builder needs the operator's role.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddBearerFilter(operatorOnly: true);

    /// <summary>
    /// The endpoints of the builder change who callers are (tokens, memberships): once one has
    /// answered, this process forgets its cached callers (other processes learn it from PostgreSQL).
    /// </summary>
    public static TBuilder InvalidatesCallers<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            finally
            {
                context.HttpContext.RequestServices.GetRequiredService<CallerCache>().Invalidate();
            }
        });

    private static TBuilder AddBearerFilter<TBuilder>(this TBuilder builder, bool operatorOnly)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var filter = BearerAuthFilter.Create(factory.ApplicationServices, operatorOnly);
            return context => filter.InvokeAsync(context, next);
        });
}
