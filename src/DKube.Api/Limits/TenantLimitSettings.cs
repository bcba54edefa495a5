namespace DKube.Api.Limits;

/// <summary>
/// The server-wide defaults of the per-caller limits (README: <c>DKUBE_RATE_*</c>, <c>DKUBE_API_PROCESSES</c>).
/// A rate is requests per second per caller; a burst of 0 means twice the rate (at least 1).
/// </summary>
public sealed record TenantLimitSettings(
    double ReadsPerSecond = 100,
    int ReadBurst = 0,
    double WritesPerSecond = 50,
    int WriteBurst = 0,
    int ApiProcesses = 1)
{
    /// <summary>The burst a rate gets when none is set: two seconds' worth, so that a short spike passes.</summary>
    public static int DefaultBurst(double perSecond) => Math.Max(1, (int)Math.Ceiling(perSecond * 2));

    /// <summary>Refuses a setting that would silently disable the limits or every request.</summary>
    public void Validate()
    {
        if (ReadsPerSecond <= 0 || WritesPerSecond <= 0 || ReadBurst < 0 || WriteBurst < 0 || ApiProcesses < 1)
        {
            throw new InvalidOperationException(
                "DKUBE_RATE_READS_PER_SECOND and DKUBE_RATE_WRITES_PER_SECOND must be above 0, the bursts 0 or more, DKUBE_API_PROCESSES 1 or more.");
        }
    }
}
