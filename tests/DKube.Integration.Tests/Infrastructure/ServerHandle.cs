using DKube.Server;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>Starts the real server in this process (real Kestrel on a free loopback port, a real silo, a real database).</summary>
public static class ServerHandle
{
    public const string OperatorToken = "dkt_test_operator_token_0123456789abcdef";

    /// <summary>A co-hosted silo + API on <paramref name="connectionString"/> (or the embedded database when null).</summary>
    public static Task<DKubeServer> StartAsync(string? connectionString, string dataDir, params string[] extra)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--DATA_DIR={dataDir}",
            $"--OPERATOR_TOKEN={OperatorToken}",
            $"--SILO_PORT={FreePorts.Next()}",
            $"--GATEWAY_PORT={FreePorts.Next()}",
            $"--CLUSTER_ID=c{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Warning",
            // The tests' webhooks listen on loopback, which webhooks may not reach unless allowed.
            "--MONITOR_WEBHOOK_ALLOWED_HOSTS=127.0.0.1",
        };
        if (connectionString is not null)
        {
            args.Add($"--POSTGRES={connectionString}");
        }

        args.AddRange(extra);
        return DKubeServer.StartAsync([.. args], TextWriter.Null);
    }

    public static string NewDataDir() => Directory.CreateTempSubdirectory("dkube-test-").FullName;
}
