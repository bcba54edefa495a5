using DKube.Abstractions.Common;
using DKube.Abstractions.Live;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Tenancy;
using DKube.Executors;
using DKube.Executors.Local;
using DKube.Grains.Affinity;
using DKube.Grains.Builds;
using DKube.Grains.Clusters;
using DKube.Grains.Execution;
using DKube.Grains.Faults;
using DKube.Grains.Live;
using DKube.Grains.Repos;
using DKube.Grains.Retention;
using DKube.Grains.Monitors;
using DKube.Grains.Serving;
using DKube.Grains.Telemetry;
using DKube.Grains.Tenancy;
using DKube.Grains.Workloads;
using DKube.Storage.Grains;
using DKube.Storage.Monitors;
using DKube.Storage.Postgres;
using DKube.Storage.Predictions;
using DKube.Abstractions.Serving;
using DKube.Storage.ReadModel;
using DKube.Storage.Versions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace DKube.Server;

/// <summary>
/// The service registration and silo settings of DKube's grains, in one place: the server uses
/// them, and so do the grain tests' in-process silos, so a test silo runs the grains exactly as
/// the server does (only clustering, endpoints and the clock differ).
/// </summary>
public static class SiloServices
{
    /// <summary>Under the data folder: the local runs' working folders.</summary>
    public const string WorkFolder = "work";

    /// <summary>Under the data folder: where runs' inputs, code and output are staged.</summary>
    public const string RunsFolder = "runs";

    /// <summary>Local runs get their own accounts when the server could otherwise hand them root (and a silo runs them).</summary>
    public static bool RunsHaveOwnAccounts(DKubeOptions options) =>
        options.RunUidBase > 0 && options.Role != ServerRole.Api && Environment.IsPrivilegedProcess;

    /// <summary>What every process needs, whatever its role: options, clock, database, read model, repositories.</summary>
    public static IServiceCollection AddDKubeCore(this IServiceCollection services, DKubeOptions options, NpgsqlDataSource dataSource)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(dataSource);
        services.AddSingleton<ReadModelWriter>();
        services.AddSingleton<IResourceDirectory, PostgresResourceDirectory>();
        services.AddSingleton<IDashboardReader, PostgresDashboardReader>();
        // The gateway writes the prediction log in API processes; monitors and metrics read it on silos.
        services.AddSingleton(options.PredictionLogOptions());
        services.AddSingleton<PostgresPredictionLog>();
        services.AddSingleton<IPredictionLog>(sp => sp.GetRequiredService<PostgresPredictionLog>());
        services.AddDKubeRepos(options.DataDir, options.SecretsKey, options.RepoSettings());
        services.AddSingleton<IWorkloadTokens, SealedWorkloadTokens>();
        services.AddSingleton(options.QuotaDefaults());
        services.AddSingleton<IObjectQuotas, ObjectQuotas>();
        services.AddSingleton<IMonitorRecords, PostgresMonitorRecords>();
        return services;
    }

    /// <summary>What a silo needs to run work: the local executor, the remote factories, the status sink, recovery.</summary>
    public static IServiceCollection AddDKubeExecution(this IServiceCollection services, DKubeOptions options)
    {
        services.AddSingleton(new LocalExecutorOptions
        {
            RootPath = Path.GetFullPath(Path.Combine(options.DataDir, WorkFolder)),
            RunUidBase = RunsHaveOwnAccounts(options) ? options.RunUidBase : null,
            StagingRoot = Path.GetFullPath(Path.Combine(options.DataDir, RunsFolder)),
        });
        services.AddSingleton<LocalExecutor>();
        services.AddSingleton(new SiloCluster(options.SiloCluster));
        services.AddSingleton<WorkloadStatusSink>();
        services.AddSingleton<IExecutionStatusSink>(sp => sp.GetRequiredService<WorkloadStatusSink>());
        services.AddSingleton<ExecutionSteps>();
        services.AddSingleton<IRemoteExecutorFactory, SlurmExecutorFactory>();
        services.AddSingleton<IRemoteExecutorFactory, KubernetesExecutorFactory>();
        services.AddSingleton<IExecutorRegistry>(sp => new ExecutorRegistry(sp.GetRequiredService<LocalExecutor>(), sp.GetServices<IRemoteExecutorFactory>()));
        services.AddSingleton<DKubeMetrics>();
        services.AddSingleton<LiveEventPublisher>();
        services.AddSingleton<ILiveEvents>(sp => sp.GetRequiredService<LiveEventPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<LiveEventPublisher>());
        services.AddSingleton<UtilizationMetrics>();
        services.AddSingleton(new UtilizationOptions(TimeSpan.FromSeconds(Math.Max(1, options.UtilizationSeconds))));
        services.AddSingleton<UtilizationReporter>();
        services.AddSingleton<WorkloadApiAccess>();
        services.AddSingleton(new RunFolders(Path.Combine(options.DataDir, RunsFolder)));
        services.AddSingleton<RunDataFlow>();
        services.AddSingleton(new ReconcileOptions(TimeSpan.FromSeconds(Math.Max(1, options.ReconcileSeconds))));
        services.AddSingleton<WorkloadRecovery>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WorkloadRecovery>());
        services.AddSingleton(new ClusterRefreshOptions(TimeSpan.FromSeconds(Math.Max(1, options.NodeRefreshSeconds))));
        services.AddSingleton(new RetentionOptions(
            TimeSpan.FromHours(Math.Max(1, options.RunRetentionHours)), TimeSpan.FromHours(Math.Max(1, options.BlobGraceHours)), TimeSpan.FromHours(1)));
        services.AddSingleton(sp => new BlobCollector((FileBlobStore)sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BlobCollector>>()));
        services.AddSingleton<DiskReclaimer>();
        // Silos only: API processes (however many) add no start-up delete of their own; the delete is
        // idempotent, so several silos sweeping costs one of them the work.
        services.AddHostedService<PredictionRetention>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DiskReclaimer>());
        services.AddSingleton<ClusterAgentKeeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClusterAgentKeeper>());
        services.AddSingleton(options.ServingOptions());
        services.AddSingleton<ReplicaProbe>();
        services.AddSingleton(options.ModelBuildOptions());
        services.AddSingleton<BuildahImageBuilder>();
        services.AddSingleton(options.MonitorOptions());
        services.AddSingleton<BaselineCache>();
        services.AddSingleton<BaselineReader>();
        services.AddSingleton<MonitorComputation>();
        services.AddSingleton<WebhookPolicy>();
        services.AddSingleton<WebhookSender>();
        return services;
    }

    /// <summary>
    /// Grain storage and reminders in PostgreSQL, cluster-affine placement, the dependency failure
    /// filter: everything of a silo except how it finds the others (clustering, endpoints).
    /// </summary>
    public static ISiloBuilder UseDKubeGrains(this ISiloBuilder silo, DKubeOptions options, string connectionString)
    {
        // Grain state through the batched writer (group commit, read model in the same
        // transaction); the ADO.NET provider only reads what was stored before it.
        silo.AddAdoNetGrainStorage(LegacyGrainStorage, o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, connectionString));
        silo.Services.AddDKubeGrainStorageAsDefault(LegacyGrainStorage);
        silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, connectionString));
        // Orleans refuses reminder periods under a minute unless told; tests sweep every few seconds.
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(Math.Max(1, Math.Min(60, Math.Min(options.ReconcileSeconds, options.NodeRefreshSeconds)))));
        // Each silo publishes the execution cluster it runs in; grains that talk to a
        // cluster's backend (and hold its credentials) are placed by it.
        silo.UseSiloMetadata(new Dictionary<string, string> { [SiloCluster.MetadataKey] = options.SiloCluster });
        silo.Services.AddSingleton<ClusterSilos>();
        silo.AddPlacementDirector<ClusterAffinePlacement, ClusterAffinePlacementDirector>();
        silo.AddIncomingGrainCallFilter<DependencyFailureFilter>();
        return silo;
    }

    /// <summary>The name of the ADO.NET grain storage kept to read state stored before the batched storage existed.</summary>
    private const string LegacyGrainStorage = "adonet-legacy";

    /// <summary>The ADO.NET invariant name of Npgsql, for Orleans' storage, reminder and clustering providers.</summary>
    public const string PostgresInvariant = "Npgsql";
}
