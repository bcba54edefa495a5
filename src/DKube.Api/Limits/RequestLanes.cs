namespace DKube.Api.Limits;

/// <summary>
/// The two fair request queues of an API process: reads (<c>GET</c>, <c>HEAD</c>) and writes (every
/// other verb), each with its own slots and shares, so that a tenant's reads never wait behind another
/// tenant's slow writes (a flood of submissions holds write slots only) and reads, which are cheap,
/// keep their latency while writes queue.
/// </summary>
public sealed record RequestLanes(FairRequestQueue Reads, FairRequestQueue Writes)
{
    /// <summary>
    /// The lanes of <paramref name="limits"/>: the write lane has fewer slots than the read lane by
    /// default (<see cref="TenantLimitSettings.WriteConcurrency"/>), since a write slot holds work inside
    /// the process that other tenants' requests wait behind while a point read is cheap.
    /// </summary>
    public static RequestLanes For(TenantLimitSettings limits) => new(
        new FairRequestQueue(limits.Concurrency, limits.TenantQueueLimit),
        new FairRequestQueue(limits.WriteConcurrency, limits.TenantQueueLimit));

    /// <summary>The lane of a request with <paramref name="method"/>.</summary>
    public FairRequestQueue For(string method) => IsRead(method) ? Reads : Writes;

    /// <summary>Whether a request with <paramref name="method"/> is a read (the one rule the lanes and the rate limits share).</summary>
    public static bool IsRead(string method) =>
        Microsoft.AspNetCore.Http.HttpMethods.IsGet(method) || Microsoft.AspNetCore.Http.HttpMethods.IsHead(method);
}
