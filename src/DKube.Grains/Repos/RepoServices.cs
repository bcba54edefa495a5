using DKube.Abstractions.Repos;
using DKube.Storage.ReadModel;
using DKube.Storage.Secrets;
using DKube.Storage.Versions;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Repos;

/// <summary>Registers what repositories need: the secrets key, credential memory, the version store and the services the run layer calls.</summary>
public static class RepoServices
{
    public static IServiceCollection AddDKubeRepos(this IServiceCollection services, string dataDir, string? secretsKey, RepoSettings settings)
    {
        // Made now, not on first use, so the key file exists from the first start on.
        services.AddSingleton<ISecretProtector>(AesGcmSecretProtector.FromConfiguration(secretsKey, dataDir));
        services.AddSingleton(settings);
        services.AddSingleton<NameRegistry>();
        services.AddSingleton<PostgresCredentialMemory>();
        services.AddSingleton<ICredentialHints>(sp => sp.GetRequiredService<PostgresCredentialMemory>());
        services.AddSingleton<IBlobStore>(new FileBlobStore(Path.Combine(dataDir, "blobs"), Path.Combine(dataDir, "staging")));
        services.AddSingleton<VersionService>();
        services.AddSingleton<IDataVersions>(sp => sp.GetRequiredService<VersionService>());
        services.AddSingleton<IVersionArchives>(sp => sp.GetRequiredService<VersionService>());
        services.AddSingleton<ICodeResolver, GitCodeResolver>();
        return services;
    }
}
