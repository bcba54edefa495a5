using Microsoft.Extensions.Configuration;

namespace DKube.Server;

/// <summary>
/// The server's switches. Each is read from the environment with the <c>DKUBE_</c> prefix
/// (e.g. <c>DKUBE_DATA_DIR</c>) or from the command line (<c>--DATA_DIR=...</c>); README lists them.
/// </summary>
public sealed class DKubeOptions
{
    [ConfigurationKeyName("ROLE")]
    public ServerRole Role { get; set; } = ServerRole.All;

    /// <summary>Connection string of an existing PostgreSQL; unset means an embedded one in <see cref="DataDir"/>.</summary>
    [ConfigurationKeyName("POSTGRES")]
    public string? Postgres { get; set; }

    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = ".dkube";

    [ConfigurationKeyName("OPERATOR_TOKEN")]
    public string? OperatorToken { get; set; }

    /// <summary>Orleans cluster id: silos and API processes with the same id and database form one cluster.</summary>
    [ConfigurationKeyName("CLUSTER_ID")]
    public string ClusterId { get; set; } = "dkube";

    [ConfigurationKeyName("SERVICE_ID")]
    public string ServiceId { get; set; } = "dkube";

    [ConfigurationKeyName("SILO_PORT")]
    public int SiloPort { get; set; } = 11111;

    [ConfigurationKeyName("GATEWAY_PORT")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at.</summary>
    [ConfigurationKeyName("ADVERTISED_IP")]
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>The execution cluster this silo runs in (placement of backend-facing grains).</summary>
    [ConfigurationKeyName("SILO_CLUSTER")]
    public string SiloCluster { get; set; } = "local";

    /// <summary>GPUs of the <c>local</c> cluster's one node; unset: as many as nvidia-smi lists.</summary>
    [ConfigurationKeyName("LOCAL_GPUS")]
    public int? LocalGpus { get; set; }

    /// <summary>Base64 of the 256-bit key that seals stored credentials; unset means <c>DATA_DIR/secrets.key</c>, made on first start.</summary>
    [ConfigurationKeyName("SECRETS_KEY")]
    public string? SecretsKey { get; set; }

    /// <summary>The largest version upload (archive and unpacked content), in bytes.</summary>
    [ConfigurationKeyName("MAX_UPLOAD_BYTES")]
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024 * 1024;

    /// <summary>Accept <c>file://</c> git remotes (tests, single-machine setups): they can read any repository on the server's disk.</summary>
    [ConfigurationKeyName("ALLOW_FILE_GIT_URLS")]
    public bool AllowFileGitUrls { get; set; }

    public static DKubeOptions From(IConfiguration configuration)
    {
        var options = new DKubeOptions();
        configuration.Bind(options);
        return options;
    }
}
