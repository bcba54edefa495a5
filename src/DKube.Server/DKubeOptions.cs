using DKube.Storage.Predictions;
using DKube.Abstractions.Workloads;
using DKube.Abstractions.Repos;
using DKube.Api.Limits;
using DKube.Grains.Tenancy;
using DKube.Api.Gateway;
using DKube.Grains.Monitors;
using DKube.Grains.Serving;
using DKube.Grains.Builds;
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

    /// <summary>
    /// The data folder; a relative path is taken from the folder the server was started in (the
    /// process' working directory; <c>dotnet run</c> keeps the user's) and made absolute by <see cref="From"/>.
    /// </summary>
    [ConfigurationKeyName("DATA_DIR")]
    public string DataDir { get; set; } = ".dkube";

    /// <summary>
    /// The API's URL as runs and IDEs reach it (their <c>DKUBE_URL</c>); unset means this process' own
    /// first URL when it serves the API (role All), else none.
    /// </summary>
    [ConfigurationKeyName("PUBLIC_URL")]
    public string? PublicUrl { get; set; }

    /// <summary>The console's format: <c>text</c> (short lines for people) or <c>json</c> (one JSON object per line, for log collectors).</summary>
    [ConfigurationKeyName("LOG_FORMAT")]
    public string LogFormat { get; set; } = ConsoleLogging.Text;

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

    /// <summary>The command that serves a run's or IDE's TensorBoard folder (see <see cref="TensorBoardSettings"/>).</summary>
    [ConfigurationKeyName("TENSORBOARD_COMMAND")]
    public string TensorBoardCommand { get; set; } = TensorBoardSettings.DefaultCommand;

    /// <summary>Accept <c>file://</c> git remotes (tests, single-machine setups): they can read any repository on the server's disk.</summary>
    [ConfigurationKeyName("ALLOW_FILE_GIT_URLS")]
    public bool AllowFileGitUrls { get; set; }

    /// <summary>Accept plain <c>http://</c> git remotes (tests only: a password or token would cross the network in the clear).</summary>
    [ConfigurationKeyName("ALLOW_HTTP_GIT_URLS")]
    public bool AllowHttpGitUrls { get; set; }

    /// <summary>
    /// ssh's StrictHostKeyChecking for git remotes whose repository pins no host keys: <c>yes</c> (only known hosts),
    /// <c>accept-new</c> (record a host's first key, refuse a changed one) or <c>no</c> (tests only).
    /// </summary>
    [ConfigurationKeyName("GIT_SSH_STRICT_HOST_KEY_CHECKING")]
    public string GitSshStrictHostKeyChecking { get; set; } = "accept-new";

    /// <summary>The server's known_hosts file for git over ssh; unset means <c>DATA_DIR/git/known_hosts</c>.</summary>
    [ConfigurationKeyName("GIT_SSH_KNOWN_HOSTS")]
    public string? GitSshKnownHosts { get; set; }

    /// <summary>
    /// Seconds between the reconciler's sweeps; a workload unchanged that long in Queued, WaitingForGpus,
    /// Starting or Stopping is asked to recover (a submission whose pool call failed, a lost admission, submit or stop).
    /// </summary>
    [ConfigurationKeyName("RECONCILE_SECONDS")]
    public int ReconcileSeconds { get; set; } = 60;

    /// <summary>How long an ended run's or IDE's folders (working folder, staged inputs, code and output; its log and metrics) are kept.</summary>
    [ConfigurationKeyName("RUN_RETENTION_HOURS")]
    public int RunRetentionHours { get; set; } = 168;

    /// <summary>How long a blob no version references is kept after it was stored or last reused (longer than any upload takes).</summary>
    [ConfigurationKeyName("BLOB_GRACE_HOURS")]
    public int BlobGraceHours { get; set; } = 6;

    /// <summary>Period of the durable reminder that reads the nodes of Slurm and Kubernetes clusters again.</summary>
    [ConfigurationKeyName("NODE_REFRESH_SECONDS")]
    public int NodeRefreshSeconds { get; set; } = 60;

    /// <summary>Seconds between two samples of what running workloads use (CPU, memory, GPUs); each cluster's agent samples its executions.</summary>
    [ConfigurationKeyName("UTILIZATION_SECONDS")]
    public int UtilizationSeconds { get; set; } = 5;

    /// <summary>Events each API process keeps for clients that resume the feed with <c>Last-Event-ID</c>.</summary>
    [ConfigurationKeyName("FEED_REPLAY_EVENTS")]
    public int FeedReplayEvents { get; set; } = 10_000;

    /// <summary>Events a feed client may fall behind by before it is dropped (with a final <c>dropped</c> event; it resumes with <c>Last-Event-ID</c>).</summary>
    [ConfigurationKeyName("FEED_CLIENT_BUFFER")]
    public int FeedClientBuffer { get; set; } = 1_024;

    /// <summary>
    /// Seconds a resolved bearer token is kept in memory when no change announcement arrives (the
    /// bound on how long another API process honours a rotated token if PostgreSQL's NOTIFY is lost); 0 turns the cache off.
    /// </summary>
    [ConfigurationKeyName("TOKEN_CACHE_SECONDS")]
    public int TokenCacheSeconds { get; set; } = 30;

    /// <summary>
    /// The silo runs as a pod of a Kubernetes Deployment: Orleans.Hosting.Kubernetes names it after
    /// its pod (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>) and declares a silo dead as soon
    /// as its pod is deleted. Only for clusters whose silos all run in one namespace of one
    /// Kubernetes cluster: its agent declares dead every silo it finds no pod for.
    /// </summary>
    [ConfigurationKeyName("KUBERNETES_HOSTING")]
    public bool KubernetesHosting { get; set; }

    /// <summary>
    /// When the server runs as root, each DKube user's local runs and IDEs execute as uid and gid
    /// <c>RUN_UID_BASE + n</c> (n given on the user's first run, kept in <c>DATA_DIR/work/.run-uids.json</c>);
    /// 0 turns this off, so runs execute as root (they can then read the server's secrets).
    /// </summary>
    [ConfigurationKeyName("RUN_UID_BASE")]
    public int RunUidBase { get; set; } = 200_000;

    /// <summary>Reads (GET) per second per caller (the operator is never limited).</summary>
    [ConfigurationKeyName("RATE_READS_PER_SECOND")]
    public double RateReadsPerSecond { get; set; } = 100;

    /// <summary>Reads a caller may send at once above the rate; 0 means two seconds' worth.</summary>
    [ConfigurationKeyName("RATE_READ_BURST")]
    public int RateReadBurst { get; set; }

    /// <summary>Writes (every verb but GET and HEAD) per second per caller.</summary>
    [ConfigurationKeyName("RATE_WRITES_PER_SECOND")]
    public double RateWritesPerSecond { get; set; } = 50;

    /// <summary>Writes a caller may send at once above the rate; 0 means two seconds' worth.</summary>
    [ConfigurationKeyName("RATE_WRITE_BURST")]
    public int RateWriteBurst { get; set; }

    /// <summary>How many API processes share the rate limits: each enforces its share of every rate and burst.</summary>
    [ConfigurationKeyName("API_PROCESSES")]
    public int ApiProcesses { get; set; } = 1;

    /// <summary>Workloads one member may have waiting in a group's pool (a group's own limit overrides it).</summary>
    [ConfigurationKeyName("QUOTA_QUEUED_PER_USER")]
    public int QuotaQueuedPerUser { get; set; } = 1_000;

    /// <summary>Workloads that may wait in a group's pool in all.</summary>
    [ConfigurationKeyName("QUOTA_QUEUED_PER_GROUP")]
    public int QuotaQueuedPerGroup { get; set; } = 10_000;

    /// <summary>Deployments per group.</summary>
    [ConfigurationKeyName("QUOTA_DEPLOYMENTS")]
    public int QuotaDeployments { get; set; } = 100;

    /// <summary>Monitors per group.</summary>
    [ConfigurationKeyName("QUOTA_MONITORS")]
    public int QuotaMonitors { get; set; } = 100;

    /// <summary>The groups' object quotas' defaults, from these switches.</summary>
    public QuotaDefaults QuotaDefaults() => new QuotaDefaults(QuotaQueuedPerUser, QuotaQueuedPerGroup, QuotaDeployments, QuotaMonitors).Validate();

    /// <summary>Event stream connections per second per caller (their own partition).</summary>
    [ConfigurationKeyName("RATE_FEEDS_PER_SECOND")]
    public double RateFeedsPerSecond { get; set; } = 2;

    /// <summary>Inference requests per second per caller through the gateway (their own partition).</summary>
    [ConfigurationKeyName("RATE_INFERENCE_PER_SECOND")]
    public double RateInferencePerSecond { get; set; } = 200;

    /// <summary>Requests in their handlers at once per API process; 0 means 16 per core. The rest wait their tenant's turn.</summary>
    [ConfigurationKeyName("MAX_CONCURRENT_REQUESTS")]
    public int MaxConcurrentRequests { get; set; }

    /// <summary>Requests one caller may have waiting for a turn; beyond that 429.</summary>
    [ConfigurationKeyName("TENANT_QUEUE_LIMIT")]
    public int TenantQueueLimit { get; set; } = 200;

    /// <summary>Write requests in their handlers at once per API process; 0 means the smaller of MAX_CONCURRENT_REQUESTS's and 4 per core.</summary>
    [ConfigurationKeyName("MAX_CONCURRENT_WRITES")]
    public int MaxConcurrentWrites { get; set; }

    /// <summary>The per-caller limits' defaults, from these switches.</summary>
    public TenantLimitSettings TenantLimits() => new(RateReadsPerSecond, RateReadBurst, RateWritesPerSecond, RateWriteBurst, ApiProcesses,
        RateFeedsPerSecond, RateInferencePerSecond, MaxConcurrentRequests, TenantQueueLimit, MaxConcurrentWrites);

    /// <summary>The command that runs the sklearn model server; unset: Debian's python3 with the server shipped beside the binaries.</summary>
    [ConfigurationKeyName("SERVING_SKLEARN_COMMAND")]
    public string? ServingSklearnCommand { get; set; }

    /// <summary>Seconds a new replica may take to answer its readiness probe once it has an address; after that its deployment is in Error with the replica's log.</summary>
    [ConfigurationKeyName("SERVING_READY_SECONDS")]
    public int ServingReadySeconds { get; set; } = 180;

    /// <summary>Seconds a replica may take from its admission (GPU queueing not counted) to being ready, address included; then it is replaced (Knative's progress deadline).</summary>
    [ConfigurationKeyName("SERVING_PROGRESS_DEADLINE_SECONDS")]
    public int ServingProgressDeadlineSeconds { get; set; } = 600;

    /// <summary>Replicas in a row that may miss the progress deadline (each replaced) before the deployment is in Error.</summary>
    [ConfigurationKeyName("SERVING_PROGRESS_ATTEMPTS")]
    public int ServingProgressAttempts { get; set; } = 3;

    /// <summary>Seconds a replica taken out of the routes (scale down, model change) keeps running for the requests already sent to it.</summary>
    [ConfigurationKeyName("SERVING_DRAIN_SECONDS")]
    public int ServingDrainSeconds { get; set; } = 5;

    /// <summary>Seconds without any request before a deployment with <c>minReplicas: 0</c> loses its last replica (Knative's grace period; the 60 s stable window must be quiet too).</summary>
    [ConfigurationKeyName("SERVING_SCALE_TO_ZERO_GRACE_SECONDS")]
    public int ServingScaleToZeroGraceSeconds { get; set; } = 30;

    /// <summary>The autoscaler's stable window in seconds (Knative's default 60); the panic window is a tenth of it.</summary>
    [ConfigurationKeyName("SERVING_STABLE_WINDOW_SECONDS")]
    public int ServingStableWindowSeconds { get; set; } = 60;

    /// <summary>Requests of one deployment that may wait at the gateway for a free replica; more are answered 503 with Retry-After.</summary>
    [ConfigurationKeyName("SERVING_QUEUE_DEPTH")]
    public int ServingQueueDepth { get; set; } = 1000;

    /// <summary>Seconds a request to /serve/... waits for a replica (while all are busy, or for a cold start from zero) before it gets 503.</summary>
    [ConfigurationKeyName("SERVING_WAIT_SECONDS")]
    public int ServingWaitSeconds { get; set; } = 120;

    /// <summary>Days the prediction log keeps a request's record (status, latency, bodies); older ones are deleted hourly.</summary>
    [ConfigurationKeyName("PREDICTION_RETENTION_DAYS")]
    public int PredictionRetentionDays { get; set; } = 30;

    /// <summary>Largest request or response body the prediction log keeps; a request with a larger one is logged without bodies.</summary>
    [ConfigurationKeyName("PREDICTION_MAX_BODY_BYTES")]
    public int PredictionMaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gateway records a process buffers for the prediction log's writer; beyond that they are dropped (counted), never waited for.</summary>
    [ConfigurationKeyName("PREDICTION_BUFFER")]
    public int PredictionBuffer { get; set; } = 10_000;

    /// <summary>The prediction log's settings, from these switches.</summary>
    public PredictionLogOptions PredictionLogOptions() => new()
    {
        BufferCapacity = Math.Max(1, PredictionBuffer),
        Retention = TimeSpan.FromDays(Math.Max(1, PredictionRetentionDays)),
    };

    /// <summary>The inference gateway's settings, from these switches.</summary>
    public GatewayOptions GatewayOptions() => new()
    {
        QueueDepth = Math.Max(0, ServingQueueDepth),
        MaxWait = TimeSpan.FromSeconds(Math.Max(1, ServingWaitSeconds)),
        MaxPredictionBodyBytes = Math.Max(0, PredictionMaxBodyBytes),
    };

    /// <summary>The deployment grains' settings, from these switches.</summary>
    public ServingOptions ServingOptions()
    {
        var serving = new ServingOptions
        {
            ReadyTimeout = TimeSpan.FromSeconds(Math.Max(1, ServingReadySeconds)),
            ProgressDeadline = TimeSpan.FromSeconds(Math.Max(1, ServingProgressDeadlineSeconds)),
            ProgressAttempts = Math.Max(1, ServingProgressAttempts),
            DrainDelay = TimeSpan.FromSeconds(Math.Max(0, ServingDrainSeconds)),
        };
        var stable = TimeSpan.FromSeconds(Math.Max(2, ServingStableWindowSeconds));
        serving.Autoscaler = serving.Autoscaler with
        {
            StableWindow = stable,
            PanicWindow = Math.Max(1, ServingStableWindowSeconds / 10) * TimeSpan.FromSeconds(1),
            ScaleToZeroGrace = TimeSpan.FromSeconds(Math.Max(0, ServingScaleToZeroGraceSeconds)),
        };
        if (!string.IsNullOrWhiteSpace(ServingSklearnCommand))
        {
            serving.SklearnCommand = ServingSklearnCommand;
        }

        return serving;
    }

    /// <summary>Attempts of one webhook POST of a monitor's alert before its delivery is failed.</summary>
    [ConfigurationKeyName("MONITOR_WEBHOOK_ATTEMPTS")]
    public int MonitorWebhookAttempts { get; set; } = 6;

    /// <summary>Seconds before a webhook's second attempt; doubled for each attempt after it.</summary>
    [ConfigurationKeyName("MONITOR_WEBHOOK_BACKOFF_SECONDS")]
    public double MonitorWebhookBackoffSeconds { get; set; } = 1;

    /// <summary>Hours back in the prediction log where the predictions that uploaded ground truth labels are looked up.</summary>
    [ConfigurationKeyName("MONITOR_GROUND_TRUTH_LOOKBACK_HOURS")]
    public double MonitorGroundTruthLookbackHours { get; set; } = 24;

    /// <summary>The most logged requests one drift evaluation reads (the newest of its window).</summary>
    [ConfigurationKeyName("MONITOR_MAX_LIVE_REQUESTS")]
    public int MonitorMaxLiveRequests { get; set; } = 100_000;

    /// <summary>Seconds before now at which an evaluation's live window ends (the gateway writes the prediction log in the background).</summary>
    [ConfigurationKeyName("MONITOR_LOG_SETTLE_SECONDS")]
    public double MonitorLogSettleSeconds { get; set; } = 5;

    /// <summary>Comma-separated hosts, addresses and CIDR ranges webhooks may reach although internal (loopback, private, link-local); none by default.</summary>
    [ConfigurationKeyName("MONITOR_WEBHOOK_ALLOWED_HOSTS")]
    public string MonitorWebhookAllowedHosts { get; set; } = "";

    /// <summary>Megabytes (estimated) of baselines a silo keeps read for its monitors.</summary>
    [ConfigurationKeyName("MONITOR_BASELINE_CACHE_MB")]
    public int MonitorBaselineCacheMb { get; set; } = 512;

    /// <summary>The monitor grains' settings, from these switches.</summary>
    public MonitorOptions MonitorOptions() => new()
    {
        WebhookAttempts = Math.Max(1, MonitorWebhookAttempts),
        WebhookBackoff = TimeSpan.FromSeconds(Math.Max(0, MonitorWebhookBackoffSeconds)),
        GroundTruthLookback = TimeSpan.FromHours(Math.Max(0.01, MonitorGroundTruthLookbackHours)),
        MaxLiveRequests = Math.Max(1, MonitorMaxLiveRequests),
        LogSettle = TimeSpan.FromSeconds(Math.Max(0, MonitorLogSettleSeconds)),
        BaselineCacheBytes = Math.Max(0, (long)MonitorBaselineCacheMb) << 20,
        WebhookAllowedHosts = MonitorWebhookAllowedHosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
    };

    /// <summary>The registry model images are built for (<c>host[:port]</c>); unset: builds are refused.</summary>
    [ConfigurationKeyName("BUILD_REGISTRY")]
    public string? BuildRegistry { get; set; }

    /// <summary>User name for the build registry (used for it alone).</summary>
    [ConfigurationKeyName("BUILD_REGISTRY_USERNAME")]
    public string? BuildRegistryUsername { get; set; }

    /// <summary>Password or token for the build registry; pass it in the environment, never on the command line.</summary>
    [ConfigurationKeyName("BUILD_REGISTRY_PASSWORD")]
    public string? BuildRegistryPassword { get; set; }

    /// <summary>Whether the build registry's TLS certificate is checked (off for a plain-http registry).</summary>
    [ConfigurationKeyName("BUILD_REGISTRY_TLS_VERIFY")]
    public bool BuildRegistryTlsVerify { get; set; } = true;

    /// <summary>The image model images start from when a build names none.</summary>
    [ConfigurationKeyName("BUILD_BASE_IMAGE")]
    public string BuildBaseImage { get; set; } = "scratch";

    /// <summary>buildah's storage driver.</summary>
    [ConfigurationKeyName("BUILD_STORAGE_DRIVER")]
    public string BuildStorageDriver { get; set; } = "vfs";

    /// <summary>Seconds one image build (assembling and pushing) may take.</summary>
    [ConfigurationKeyName("BUILD_TIMEOUT_SECONDS")]
    public int BuildTimeoutSeconds { get; set; } = 1800;

    /// <summary>The model image builds' settings, from these switches.</summary>
    public ModelBuildOptions ModelBuildOptions() => new()
    {
        Registry = string.IsNullOrWhiteSpace(BuildRegistry) ? null : BuildRegistry.Trim().TrimEnd('/'),
        Username = string.IsNullOrEmpty(BuildRegistryUsername) ? null : BuildRegistryUsername,
        Password = string.IsNullOrEmpty(BuildRegistryPassword) ? null : BuildRegistryPassword,
        TlsVerify = BuildRegistryTlsVerify,
        BaseImage = string.IsNullOrWhiteSpace(BuildBaseImage) ? "scratch" : BuildBaseImage.Trim(),
        StorageDriver = BuildStorageDriver,
        StorageRoot = Path.GetFullPath(Path.Combine(DataDir, "builds", "storage")),
        WorkRoot = Path.GetFullPath(Path.Combine(DataDir, "builds", "work")),
        Timeout = TimeSpan.FromSeconds(Math.Max(1, BuildTimeoutSeconds)),
    };

    /// <summary>What repositories accept, from these switches; an unknown host key checking mode stops the start.</summary>
    public RepoSettings RepoSettings()
    {
        var checking = GitSshStrictHostKeyChecking.Trim().ToLowerInvariant() switch
        {
            "yes" => SshHostKeyChecking.Yes,
            "accept-new" => SshHostKeyChecking.AcceptNew,
            "no" => SshHostKeyChecking.No,
            _ => throw new InvalidOperationException(
                $"DKUBE_GIT_SSH_STRICT_HOST_KEY_CHECKING must be yes, accept-new or no, not '{GitSshStrictHostKeyChecking}'."),
        };
        var knownHosts = Path.GetFullPath(GitSshKnownHosts ?? Path.Combine(DataDir, "git", "known_hosts"));
        return new RepoSettings(MaxUploadBytes, AllowFileGitUrls, checking, knownHosts, AllowHttpGitUrls);
    }

    public static DKubeOptions From(IConfiguration configuration)
    {
        var options = new DKubeOptions();
        configuration.Bind(options);
        // Resolved once, so every part of the process (and the ready banner) names the same folder.
        options.DataDir = Path.GetFullPath(options.DataDir);
        ConsoleLogging.Validate(options.LogFormat);
        return options;
    }
}
