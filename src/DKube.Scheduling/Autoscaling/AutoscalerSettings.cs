namespace DKube.Scheduling.Autoscaling;

/// <summary>
/// Knative's KPA knobs, with its defaults: a 60 s stable window, a 6 s panic window (10% of the
/// stable one), panic at 200% of the target, and a grace period before the last replica goes.
/// </summary>
public sealed record AutoscalerSettings(
    TimeSpan StableWindow,
    TimeSpan PanicWindow,
    double PanicThreshold,
    TimeSpan ScaleToZeroGrace)
{
    public static AutoscalerSettings Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(6), 2.0, TimeSpan.FromSeconds(30));
}
