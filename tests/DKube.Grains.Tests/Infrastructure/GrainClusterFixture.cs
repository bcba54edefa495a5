using DKube.Server;
using DKube.Storage.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace DKube.Grains.Tests.Infrastructure;

/// <summary>
/// One in-process Orleans test cluster per test collection: a silo with the server's own service
/// registration and grain settings (<see cref="SiloServices"/>), grain state and reminders in a
/// fresh database of the run's real PostgreSQL, and a <see cref="FakeTimeProvider"/> as the
/// <see cref="TimeProvider"/> grains see, so ages and timeouts move only when a test says so.
/// Tests share the cluster: each takes fresh grain keys (<see cref="NewKey"/>).
/// A derived fixture may run several silos, each in an execution cluster of its own
/// (DKUBE_SILO_CLUSTER): the first <c>silos</c> start with the cluster, any started later
/// (<see cref="InProcessTestCluster.StartAdditionalSiloAsync()"/>) take the next cluster name.
/// </summary>
public class GrainClusterFixture : IAsyncLifetime
{
    private readonly int _silos;
    private readonly IReadOnlyList<string>? _siloClusters;
    private readonly Dictionary<string, string> _clusterOfSilo = [];
    private NpgsqlDataSource? _dataSource;
    private InProcessTestCluster? _cluster;

    /// <summary>The Orleans areas whose clocks stay real (<see cref="TimeProviderNames"/>): its own upkeep and the reminder service.</summary>
    public static IReadOnlyList<string> OrleansOwnClocks { get; } =
    [
        TimeProviderNames.Messaging,
        TimeProviderNames.SystemTimers,
        TimeProviderNames.Membership,
        TimeProviderNames.ActivationManagement,
        TimeProviderNames.GrainDirectory,
        Orleans.Reminders.ReminderTimeProviderNames.Reminders,
    ];

    /// <summary>Starts at the real time, so timestamps written to the database look ordinary.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public GrainClusterFixture()
        : this(1, null)
    {
    }

    /// <summary><paramref name="silos"/> silos at the start; <paramref name="siloClusters"/> the cluster of each silo in the order they start (null: the default).</summary>
    protected GrainClusterFixture(int silos, IReadOnlyList<string>? siloClusters)
    {
        _silos = silos;
        _siloClusters = siloClusters;
    }

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    /// <summary>The cluster's client: how tests call grains, as the API would.</summary>
    public IGrainFactory Grains => Cluster.Client;

    public string DataDir { get; } = Directory.CreateTempSubdirectory("dkube-grains-").FullName;

    public string ConnectionString { get; private set; } = "";

    /// <summary>A grain key no other test of this run uses.</summary>
    public static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.NewDatabaseAsync();
        await MigrationRunner.MigrateAsync(ConnectionString);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        DKubeOptions OptionsFor(string siloName) => new()
        {
            DataDir = DataDir,
            Postgres = ConnectionString,
            // No sweep during a test unless it asks for one: the reconciler's reminder stays far off.
            ReconcileSeconds = 3600,
            // Runs as the server's own user: these tests drive the grains, and a run account needs
            // the data folder laid out as the server does at start (the sandbox's own tests do that).
            RunUidBase = 0,
            // The monitor tests' webhooks listen on loopback, which webhooks may not reach unless allowed.
            MonitorWebhookAllowedHosts = "127.0.0.1",
            SiloCluster = ClusterOf(siloName) ?? new DKubeOptions().SiloCluster,
        };
        var (dataSource, connectionString, time) = (_dataSource, ConnectionString, Time);
        var builder = new InProcessTestClusterBuilder((short)_silos);
        builder.ConfigureSiloHost((silo, host) =>
        {
            var options = OptionsFor(silo.SiloName);
            host.Services.AddDKubeCore(options, dataSource);
            host.Services.AddDKubeExecution(options);
            // Chosen calls fail as if their silo died (tests of the workload path), one instance per silo.
            host.Services.AddSingleton<GrainCallFaults>();
            host.Services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<GrainCallFaults>());
            // Registered last, so it is the TimeProvider every grain is given.
            host.Services.AddSingleton<TimeProvider>(time);
            // Orleans resolves each of its areas' clocks from this default unless told otherwise.
            // Its own loops stay on real time: the fake clock drives what grains read and their
            // grain timers only. A FakeTimeProvider runs every due callback inline, one thread at a
            // time, on whichever thread holds it: after a day's jump that thread ran every missed
            // 100 ms period of the membership's thread-pool stall detector (864,000 callbacks,
            // each queueing a thread-pool probe), and the reminder service's waits spun in it;
            // in-silo response timeouts could not expire in real time: the shared silo stalled.
            // Tests deliver reminder ticks themselves (ReceiveReminder, Wake), on the fake clock.
            foreach (var area in OrleansOwnClocks)
            {
                host.Services.AddKeyedSingleton(area, TimeProvider.System);
            }

            host.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        builder.ConfigureSilo((silo, siloBuilder) => siloBuilder.UseDKubeGrains(OptionsFor(silo.SiloName), connectionString));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        // Which registration wins depends on Orleans' own order: checked, not assumed.
        if (OrleansOwnClocks.Any(area => Services.GetRequiredKeyedService<TimeProvider>(area) != TimeProvider.System)
            || Services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Grains) != time)
        {
            throw new InvalidOperationException("The silo's clocks are not wired as this fixture means them to be.");
        }
    }

    /// <summary>The cluster a silo runs in: the next of the fixture's names for a silo not seen before.</summary>
    private string? ClusterOf(string siloName)
    {
        lock (_clusterOfSilo)
        {
            if (_siloClusters is null)
            {
                return null;
            }

            if (!_clusterOfSilo.TryGetValue(siloName, out var cluster))
            {
                _clusterOfSilo[siloName] = cluster = _siloClusters[_clusterOfSilo.Count];
            }

            return cluster;
        }
    }

    /// <summary>The silo's services (its one silo), e.g. the version store or the <see cref="GrainCallFaults"/>.</summary>
    public IServiceProvider Services => Cluster.Silos[0].ServiceProvider;

    public GrainCallFaults Faults => Services.GetRequiredService<GrainCallFaults>();

    /// <summary>Deactivates a grain and waits until it is gone, so its next call loads its persisted state.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await (_dataSource?.DisposeAsync() ?? ValueTask.CompletedTask);
        SharedPostgres.TryDelete(DataDir);
    }
}
