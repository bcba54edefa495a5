namespace DKube.Abstractions.Monitors;

/// <summary>
/// One POST of an alert's firing or resolution to its webhook: <c>pending</c> (being tried, with
/// backoff), <c>delivered</c>, or <c>failed</c> after the last attempt; <see cref="LastError"/> says why.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-webhook-delivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] string Id,
    [property: Id(1)] string Alert,
    [property: Id(2)] string Url,
    [property: Id(3)] string State,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string? LastError,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? UpdatedAt,
    [property: Id(8)] AlertEvent Event)
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
