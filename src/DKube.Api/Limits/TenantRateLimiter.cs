using System.Threading.RateLimiting;
using DKube.Abstractions.Tenancy;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Http;

namespace DKube.Api.Limits;

/// <summary>
/// Token buckets per caller, reads (GET, HEAD), writes (every other verb) and each named
/// <see cref="LimitPartition"/> apart, then a slot of the fair request queue of the request's lane
/// (<see cref="RequestLanes"/>: reads and writes apart, each with per-tenant shares); the buckets are built on the
/// framework's <see cref="PartitionedRateLimiter"/>. It runs after the bearer filter rather than as
/// ASP.NET Core's rate limiting middleware because the caller (and so the partition and its group
/// limits) is only known once the token is resolved, which the middleware's synchronous partitioner
/// cannot await. The operator is never limited. Each API process holds its own buckets and enforces
/// 1/<c>DKUBE_API_PROCESSES</c> of every rate and burst.
/// </summary>
public sealed class TenantRateLimiter : IDisposable
{
    private readonly TenantLimitSettings _settings;
    private readonly GroupLimitsCache _groups;
    private readonly PartitionedRateLimiter<BucketKey> _buckets;
    private readonly RequestLanes _lanes;

    public TenantRateLimiter(TenantLimitSettings settings, GroupLimitsCache groups, RequestLanes lanes)
    {
        _settings = settings;
        _groups = groups;
        _lanes = lanes;
        // The limits are part of the key: when the operator changes them, the caller's next request
        // lands in a fresh bucket of the new size at once; the old one is dropped once idle.
        _buckets = PartitionedRateLimiter.Create<BucketKey, BucketKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, Options));
    }

    /// <summary>The limits of <paramref name="caller"/> as configured (before the split across API processes).</summary>
    public async ValueTask<CallerLimits> LimitsOfAsync(Caller caller) =>
        CallerLimits.Resolve(_settings, await _groups.ForAsync(caller.Groups));

    /// <summary>
    /// Runs <paramref name="next"/> for <paramref name="caller"/> within their limits: a token from the
    /// right bucket (else 429), then, for the general partition, a slot of the fair request queue of
    /// its lane, within the caller's share (the caller waits for their turn; 429 when their queue is
    /// full). The operator is never limited.
    /// </summary>
    public async ValueTask<object?> InvokeAsync(HttpContext http, Caller caller, Func<ValueTask<object?>> next)
    {
        var partition = http.GetEndpoint()?.Metadata.GetMetadata<LimitPartition>();
        if (await AcquireAsync(http, caller, partition) is { } refusal)
        {
            return refusal;
        }

        if (caller.IsOperator || partition is not null)
        {
            return await next();
        }

        var lane = _lanes.For(http.Request.Method);
        using var slot = await lane.EnterAsync(caller.Name, http.RequestAborted);
        if (slot is null)
        {
            return QueueFull(http, caller, lane);
        }

        // A handler that streams (a followed log) starts its answer early and may run for hours:
        // the slot bounds work before an answer begins, so it is given back once the answer starts.
        http.Response.OnStarting(() =>
        {
            slot.Dispose();
            return Task.CompletedTask;
        });
        return await next();
    }

    /// <summary>
    /// Null when the request may go on, else the 429 answer (with <c>Retry-After</c> set). A path that
    /// authenticates by itself (the inference gateway) calls this with its <paramref name="partition"/>.
    /// </summary>
    public async ValueTask<IResult?> AcquireAsync(HttpContext http, Caller caller, LimitPartition? partition = null)
    {
        if (caller.IsOperator)
        {
            return null;
        }

        string name;
        double perSecond;
        int burst;
        if (partition is not null)
        {
            (name, perSecond) = (partition.Name, _settings.RateOf(partition));
            burst = TenantLimitSettings.DefaultBurst(perSecond);
        }
        else
        {
            var limits = await LimitsOfAsync(caller);
            (name, perSecond, burst) = RequestLanes.IsRead(http.Request.Method)
                ? ("reads", limits.ReadsPerSecond, limits.ReadBurst)
                : ("writes", limits.WritesPerSecond, limits.WriteBurst);
        }

        var processes = _settings.ApiProcesses;
        var key = new BucketKey(caller.Name, name, perSecond / processes, Math.Max(1, burst / processes));
        using var lease = _buckets.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = ProblemResults.Create(StatusCodes.Status429TooManyRequests, "rate-limited",
            $"The {name} limit of '{caller.Name}' ({perSecond:0.###} per second, burst {burst}) is exhausted; retry after {seconds} s.");
        problem.Extensions["limit"] = name;
        problem.Extensions["perSecond"] = perSecond;
        problem.Extensions["burst"] = burst;
        return TypedResults.Problem(problem);
    }

    /// <summary>The caller already has as many requests waiting for a slot as one tenant may: the server is overloaded and this tenant is most of it.</summary>
    private static IResult QueueFull(HttpContext http, Caller caller, FairRequestQueue lane)
    {
        http.Response.Headers.RetryAfter = "1";
        var problem = ProblemResults.Create(StatusCodes.Status429TooManyRequests, "rate-limited",
            $"The server is busy and '{caller.Name}' already has {lane.QueueLimit} requests waiting; retry after 1 s.");
        problem.Extensions["limit"] = "queue";
        problem.Extensions["queueLimit"] = lane.QueueLimit;
        return TypedResults.Problem(problem);
    }

    public void Dispose() => _buckets.Dispose();

    private static TokenBucketRateLimiterOptions Options(BucketKey key)
    {
        // Refilled by the partitioned limiter's one shared 100 ms timer (not a timer per bucket), so at
        // most ten times a second with as many tokens as the rate gives; slow rates get one token at a time.
        var period = TimeSpan.FromSeconds(Math.Max(0.1, 1 / key.PerSecond));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.Burst,
            TokensPerPeriod = Math.Max(1, (int)Math.Round(key.PerSecond * period.TotalSeconds)),
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    /// <param name="Limit"><c>reads</c>, <c>writes</c> or a <see cref="LimitPartition"/>'s name: each its own bucket.</param>
    private readonly record struct BucketKey(string User, string Limit, double PerSecond, int Burst);
}
