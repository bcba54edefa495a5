using System.Threading.RateLimiting;
using DKube.Abstractions.Tenancy;
using DKube.Api.Problems;
using Microsoft.AspNetCore.Http;

namespace DKube.Api.Limits;

/// <summary>
/// Token buckets per caller, reads (GET, HEAD) and writes (every other verb) apart, built on the
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

    public TenantRateLimiter(TenantLimitSettings settings, GroupLimitsCache groups)
    {
        _settings = settings;
        _groups = groups;
        // The limits are part of the key: when the operator changes them, the caller's next request
        // lands in a fresh bucket of the new size at once; the old one is dropped once idle.
        _buckets = PartitionedRateLimiter.Create<BucketKey, BucketKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, Options));
    }

    /// <summary>The limits of <paramref name="caller"/> as configured (before the split across API processes).</summary>
    public async ValueTask<CallerLimits> LimitsOfAsync(Caller caller) =>
        CallerLimits.Resolve(_settings, await _groups.ForAsync(caller.Groups));

    /// <summary>Null when the request may go on, else the 429 answer (with <c>Retry-After</c> set).</summary>
    public async ValueTask<IResult?> AcquireAsync(HttpContext http, Caller caller)
    {
        if (caller.IsOperator)
        {
            return null;
        }

        var limits = await LimitsOfAsync(caller);
        var write = !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
        var (perSecond, burst) = write ? (limits.WritesPerSecond, limits.WriteBurst) : (limits.ReadsPerSecond, limits.ReadBurst);
        var processes = _settings.ApiProcesses;
        var key = new BucketKey(caller.Name, write, perSecond / processes, Math.Max(1, burst / processes));
        using var lease = _buckets.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var name = write ? "writes" : "reads";
        var problem = ProblemResults.Create(StatusCodes.Status429TooManyRequests, "rate-limited",
            $"The {name} limit of '{caller.Name}' ({perSecond:0.###} per second, burst {burst}) is exhausted; retry after {seconds} s.");
        problem.Extensions["limit"] = name;
        problem.Extensions["perSecond"] = perSecond;
        problem.Extensions["burst"] = burst;
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

    private readonly record struct BucketKey(string User, bool Write, double PerSecond, int Burst);
}
