using System.Globalization;
using System.Net;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>
/// Silo and API processes of one Orleans cluster on one database, for multi-process tests; every
/// process gets its own ports, and settings may be overridden per process.
/// </summary>
public sealed class ProcessCluster(string database) : IAsyncDisposable
{
    private readonly List<ServerProcess> _processes = [];

    public string Database { get; } = database;

    public string ClusterId { get; } = $"c{Guid.NewGuid():N}";

    public IReadOnlyList<ServerProcess> Processes => _processes;

    public ServerProcess Start(string role, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["POSTGRES"] = Database,
            ["CLUSTER_ID"] = ClusterId,
            ["OPERATOR_TOKEN"] = ServerHandle.OperatorToken,
            ["SILO_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["GATEWAY_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["DATA_DIR"] = ServerHandle.NewDataDir(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var process = ServerProcess.Start(role, settings);
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits until the API process says the database and <paramref name="silos"/> silos are up.</summary>
    public static async Task WaitReadyAsync(ApiClient api, int silos, TimeSpan? timeout = null) =>
        await Eventually.Until(async () =>
        {
            try
            {
                return await api.Get("/readyz");
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, r => r is { Status: HttpStatusCode.OK } && r["silos"] == silos.ToString(CultureInfo.InvariantCulture), timeout ?? TimeSpan.FromSeconds(90), "readiness");

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
