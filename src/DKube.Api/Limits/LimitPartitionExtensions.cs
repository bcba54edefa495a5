using Microsoft.AspNetCore.Builder;

namespace DKube.Api.Limits;

public static class LimitPartitionExtensions
{
    /// <summary>The builder's endpoints are limited in <paramref name="partition"/> instead of the general reads and writes.</summary>
    public static TBuilder LimitedAs<TBuilder>(this TBuilder builder, LimitPartition partition)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(partition);
}
