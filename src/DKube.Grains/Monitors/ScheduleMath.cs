namespace DKube.Grains.Monitors;

/// <summary>
/// When a scheduled component is due, pure so tests drive it with any clock. A reminder ticks
/// every <c>everyMinutes</c>, but reminders may fire a little early or late, and an evaluation
/// asked in between moves the last one: a tick evaluates when at least 90% of the period has
/// passed since the last evaluation, so an early tick is not skipped and an evaluation just made
/// is not repeated.
/// </summary>
public static class ScheduleMath
{
    public static bool IsDue(DateTimeOffset? last, int everyMinutes, DateTimeOffset now) =>
        everyMinutes > 0 && (last is not { } at || now - at >= TimeSpan.FromMinutes(everyMinutes) * 0.9);
}
