namespace DKube.Abstractions.Monitors;

/// <summary>
/// How often each component is evaluated while the monitor is active (0: only on
/// <c>evaluate</c>), the drift algorithm and the performance metrics reported.
/// </summary>
[GenerateSerializer]
[Alias("dkube.monitor-schedule")]
public sealed record MonitorSchedule(
    [property: Id(0)] int DriftEveryMinutes,
    [property: Id(1)] string Algorithm,
    [property: Id(2)] int PerformanceEveryMinutes,
    [property: Id(3)] IReadOnlyList<string> Metrics,
    [property: Id(4)] int HealthEveryMinutes)
{
    public const int DefaultDriftMinutes = 60;
    public const int DefaultPerformanceMinutes = 60;
    public const int DefaultHealthMinutes = 5;

    /// <summary>The longest period: a week.</summary>
    public const int MaxMinutes = 7 * 24 * 60;

    public int EveryMinutes(string component) => component switch
    {
        MonitorKinds.Drift => DriftEveryMinutes,
        MonitorKinds.Performance => PerformanceEveryMinutes,
        _ => HealthEveryMinutes,
    };
}
