using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
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

    private static TBuilder AddBearerFilter<TBuilder>(this TBuilder builder, bool operatorOnly)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var filter = new BearerAuthFilter(services.GetRequiredService<IResourceDirectory>(), services.GetRequiredService<IWorkloadTokens>(),
                services.GetRequiredService<IGrainFactory>(), operatorOnly);
            return context => filter.InvokeAsync(context, next);
        });
}
