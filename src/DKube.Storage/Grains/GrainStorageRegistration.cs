using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace DKube.Storage.Grains;

public static class GrainStorageRegistration
{
    /// <summary>
    /// Makes <see cref="BatchedGrainStorage"/> the silo's default grain storage (the one grains'
    /// <c>[PersistentState]</c> use when they name none). It needs an <see cref="NpgsqlDataSource"/>
    /// in the container; with <paramref name="legacyProvider"/>, a grain storage registered under
    /// that name is read for grains this storage has no row of.
    /// </summary>
    public static IServiceCollection AddDKubeGrainStorageAsDefault(this IServiceCollection services, string? legacyProvider = null)
    {
        services.AddSingleton(sp => new GrainStateBatcher(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<ILogger<GrainStateBatcher>>()));
        services.AddSingleton<QueueEntryStore>();
        services.AddSingleton(sp => new GrainStateBulkWriter(
            sp.GetRequiredService<GrainStateBatcher>(), ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp)));
        services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new BatchedGrainStorage(
            sp.GetRequiredService<GrainStateBatcher>(),
            sp.GetRequiredService<NpgsqlDataSource>(),
            ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(sp),
            legacyProvider is null ? null : sp.GetRequiredKeyedService<IGrainStorage>(legacyProvider)));
        return services;
    }
}
