using DKube.Abstractions.Workloads;
using System.Net;
using DKube.Abstractions.Common;
using DKube.Abstractions.Repos;
using DKube.Api;
using DKube.Api.Auth;
using DKube.WebUi;
using DKube.Executors;
using DKube.Executors.Local;
using DKube.Grains.Clusters;
using DKube.Grains.Execution;
using DKube.Grains.Telemetry;
using DKube.Grains.Faults;
using DKube.Grains.Affinity;
using DKube.Grains.Workloads;
using DKube.Grains.Repos;
using DKube.Storage.Postgres;
using DKube.Storage.ReadModel;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace DKube.Server;

/// <summary>
/// One running process of DKube.Orleans in its configured role: owns the embedded database (if
/// any), the silo or cluster client, and the HTTP front.
/// </summary>
public sealed class DKubeServer : IAsyncDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>
    /// Grain calls here are short; a call that has not answered in this time is stuck on a dead
    /// silo, and the caller is better served by a 503 it can retry than by waiting Orleans' 30 s.
    /// </summary>
    private static readonly TimeSpan GrainCallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long start-up keeps retrying its bootstrap calls into the silo cluster.</summary>
    private static readonly TimeSpan StartupBudget = TimeSpan.FromSeconds(90);

    private readonly EmbeddedPostgres? _embedded;
    private readonly NpgsqlDataSource _dataSource;

    private DKubeServer(WebApplication app, NpgsqlDataSource dataSource, EmbeddedPostgres? embedded, DKubeOptions options)
    {
        App = app;
        _dataSource = dataSource;
        _embedded = embedded;
        Options = options;
    }

    public WebApplication App { get; }

    public DKubeOptions Options { get; }

    public string OperatorToken { get; private set; } = "";

    /// <summary>The first address the HTTP front listens on.</summary>
    public Uri Url => new(App.Urls.First());

    /// <param name="services">
    /// Registrations added after the server's own (e.g. a benchmark's grain call filter that counts
    /// the calls a request makes); null in production.
    /// </param>
    public static async Task<DKubeServer> StartAsync(string[] args, TextWriter console, CancellationToken cancellationToken = default,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddEnvironmentVariables("DKUBE_");
        builder.Configuration.AddCommandLine(args);
        var options = DKubeOptions.From(builder.Configuration);
        if (builder.Configuration["urls"] is null && Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        ConsoleLogging.Configure(builder, options);
        using var startupLogs = ConsoleLogging.ForStartup(builder.Configuration, options);
        var startupLog = startupLogs.CreateLogger<DKubeServer>();
        startupLog.LogInformation("Starting DKube.Orleans ({Role}) with data folder {DataDir}", options.Role, options.DataDir);

        if (SiloServices.RunsHaveOwnAccounts(options) && !OperatingSystem.IsWindows())
        {
            // Before anything is written: whatever the server makes is private, runs get in only where the executor lets them.
            DataFolderGuard.MakeNewFilesPrivate();
            DataFolderGuard.Seal(options.DataDir, [Path.Combine(options.DataDir, SiloServices.WorkFolder), Path.Combine(options.DataDir, SiloServices.RunsFolder)]);
        }

        var (connectionString, embedded) = await DatabaseBootstrap.ResolveAsync(options, cancellationToken);
        NpgsqlDataSource? dataSource = null;
        DKubeServer? server = null;
        try
        {
            var applied = await DatabaseBootstrap.MigrateAsync(connectionString, cancellationToken);
            startupLog.LogInformation("Database ready: {Database}, {Applied} schema migrations applied",
                embedded is null ? "DKUBE_POSTGRES" : $"embedded PostgreSQL on port {embedded.Port}", applied.Count);
            // Our statements leave no session state behind (no SET or temporary tables outlive a
            // command), so a connection returned to the pool needs no reset:
            // Npgsql's DISCARD ALL was a statement and a commit of its own on every use (2.65 per POST /runs).
            // The one exception, CallerChangeListener's LISTEN, keeps its connection for the process's
            // life; one it gives back after a failure at most hears notices nobody reads.
            // Statements used again and again (the group commit's upserts, a grain's state read, the
            // listings) are prepared by Npgsql on each connection after their second use, so
            // PostgreSQL parses and plans them once per connection rather than on every flush and read.
            dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
            {
                NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2,
            }.ConnectionString);
            Configure(builder, options, connectionString, dataSource);
            services?.Invoke(builder.Services);
            var app = builder.Build();
            app.MapDKubeHealth();
            if (options.Role != ServerRole.Silo)
            {
                app.MapDKubeApi();
                app.MapDKubeWebUi();
                // A browsable reference of /openapi/v1.json, served from the package's own assets (works offline).
                app.MapScalarApiReference(ReadyBanner.ApiReferencePath);
            }

            app.MapPrometheusScrapingEndpoint("/metrics");
            await app.StartAsync(cancellationToken);

            server = new DKubeServer(app, dataSource, embedded, options);
            if (app.Services.GetService<WorkloadApiAccess>() is { } access)
            {
                access.Url = options.PublicUrl ?? (options.Role == ServerRole.All ? server.Url.ToString().TrimEnd('/') : null);
            }

            var grains = app.Services.GetRequiredService<IGrainFactory>();
            // These calls may reach a grain on a silo that is itself still starting, or one that
            // just died: retried for a while rather than failing the whole process.
            var logger = app.Services.GetRequiredService<ILogger<DKubeServer>>();
            var tokenCreated = false;
            await TransientRetry.RunAsync(async () => (server.OperatorToken, tokenCreated) = await OperatorBootstrap.EnsureAsync(grains, options),
                StartupBudget, logger, "Operator bootstrap", cancellationToken);
            if (options.Role != ServerRole.Api)
            {
                await TransientRetry.RunAsync(() => LocalClusterBootstrap.EnsureAsync(grains, options, cancellationToken),
                    StartupBudget, logger, "Local cluster bootstrap", cancellationToken);
            }

            await ReadyBanner.WriteAsync(server, tokenCreated, console, logger);
            return server;
        }
        catch
        {
            // Once started, the server owns the app, the data source and the embedded database.
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            else
            {
                await (dataSource?.DisposeAsync() ?? ValueTask.CompletedTask);
                await (embedded?.DisposeAsync() ?? ValueTask.CompletedTask);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            await _dataSource.DisposeAsync();
            if (_embedded is not null)
            {
                await _embedded.DisposeAsync();
            }
        }
    }

    private static void Configure(WebApplicationBuilder builder, DKubeOptions options, string connectionString, NpgsqlDataSource dataSource)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = DKubeApi.MaxRequestBodyBytes);
        builder.Services.AddDKubeCore(options, dataSource);
        builder.Services.AddDKubeApi(options.TenantLimits(), TimeSpan.FromSeconds(Math.Max(0, options.TokenCacheSeconds)), options.GatewayOptions(),
            new DKube.Api.Feeds.FeedOptions(Math.Max(1, options.FeedReplayEvents), Math.Max(1, options.FeedClientBuffer)));
        builder.Services.AddSingleton(new TensorBoardSettings(options.TensorBoardCommand));
        if (options.Role != ServerRole.Silo)
        {
            builder.Services.AddDKubeFeeds();
            builder.Services.AddDKubeWebUi();
        }

        // Every process that authenticates learns of token and membership changes from PostgreSQL.
        builder.Services.AddHostedService(sp => new CallerChangeListener(
            dataSource, sp.GetRequiredService<CallerCache>().Invalidate, sp.GetRequiredService<ILogger<CallerChangeListener>>()));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter("Microsoft.Orleans")
            .AddMeter(DKubeMeters.Name)
            .AddPrometheusExporter());

        // Database errors raised where no grain call filter sees them (a grain failing to load its
        // state while activating) must still cross to the caller as themselves, to become a 503.
        builder.Services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

        const string invariant = SiloServices.PostgresInvariant;
        if (options.Role == ServerRole.Api)
        {
            builder.UseOrleansClient(client => client
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId))
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = GrainCallTimeout)
                .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (invariant, connectionString))
                // Started before any silo is up (the order of starting processes does not matter),
                // the API waits for the first gateway instead of failing its start.
                .UseConnectionRetryFilter(async (_, cancellationToken) =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    return true;
                }));
            return;
        }

        builder.Services.AddDKubeExecution(options);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIp), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (invariant, connectionString));
            silo.UseDKubeGrains(options, connectionString);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = GrainCallTimeout);
            if (options.KubernetesHosting)
            {
                silo.UseKubernetesHosting();
            }

            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Declare a killed silo dead in seconds rather than the default minute, so its
                // grains come back elsewhere quickly; probes are cheap on a LAN.
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
            });
        });
    }
}
