namespace DKube.Grains.Monitors;

/// <summary>The monitor grains' switches (README: <c>DKUBE_MONITOR_*</c>).</summary>
public sealed class MonitorOptions
{
    /// <summary>How many times a webhook POST is tried before its delivery is <c>failed</c>.</summary>
    public int WebhookAttempts { get; set; } = 6;

    /// <summary>The wait before the second attempt; it doubles with each attempt after that.</summary>
    public TimeSpan WebhookBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one webhook POST may take.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How far back the predictions that ground truth labels are looked up in the prediction log.</summary>
    public TimeSpan GroundTruthLookback { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most logged requests one drift evaluation reads (the newest are kept beyond that).</summary>
    public int MaxLiveRequests { get; set; } = 100_000;

    /// <summary>How long before now an evaluation's live window ends: records the gateway has not written yet are left for the next one.</summary>
    public TimeSpan LogSettle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most bytes (estimated) of baselines a silo keeps read (<see cref="BaselineCache"/>).</summary>
    public long BaselineCacheBytes { get; set; } = 512L << 20;

    /// <summary>Hosts, addresses and CIDR ranges webhooks may reach although internal (loopback, private, link-local): <see cref="WebhookPolicy"/>.</summary>
    public IReadOnlyList<string> WebhookAllowedHosts { get; set; } = [];

    /// <summary>Webhook deliveries a monitor's view keeps (the newest).</summary>
    public int KeptDeliveries { get; set; } = 50;
}
