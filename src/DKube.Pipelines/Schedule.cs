using Cronos;

namespace DKube.Pipelines;

/// <summary>
/// The tick arithmetic of a recurring run: a cron expression (six fields with seconds, as KFP
/// writes it, or the classic five) or a fixed interval, bounded by start and end times. Pure: the
/// caller passes the time, so a day of schedule can be walked in a test in milliseconds.
/// </summary>
public sealed class Schedule
{
    private readonly CronExpression? cron;
    private readonly TimeSpan interval;

    private Schedule(CronExpression? cron, TimeSpan interval, DateTimeOffset anchor, DateTimeOffset? end)
    {
        this.cron = cron;
        this.interval = interval;
        Anchor = anchor;
        End = end;
    }

    /// <summary>Ticks fall strictly after this time (the start time, else the creation time).</summary>
    public DateTimeOffset Anchor { get; }

    /// <summary>No tick falls after this time.</summary>
    public DateTimeOffset? End { get; }

    /// <summary>
    /// A schedule of exactly one of <paramref name="cronText"/> and <paramref name="intervalSeconds"/>;
    /// throws <see cref="PipelineSpecException"/> saying what is wrong.
    /// </summary>
    public static Schedule Create(string? cronText, long? intervalSeconds, DateTimeOffset anchor, DateTimeOffset? end)
    {
        if ((cronText is null) == (intervalSeconds is null))
        {
            throw new PipelineSpecException([new PipelineProblem("trigger", "needs exactly one of cron and intervalSeconds")]);
        }

        if (end is { } last && last <= anchor)
        {
            throw new PipelineSpecException([new PipelineProblem("endTime", "must be after startTime")]);
        }

        if (intervalSeconds is { } seconds)
        {
            return seconds is >= 1 and <= 366L * 24 * 3600
                ? new Schedule(null, TimeSpan.FromSeconds(seconds), anchor, end)
                : throw new PipelineSpecException([new PipelineProblem("trigger.intervalSeconds", "must be between 1 and one year")]);
        }

        return new Schedule(ParseCron(cronText!), TimeSpan.Zero, anchor, end);
    }

    /// <summary>Reads a cron expression of six fields (with seconds) or five (without).</summary>
    public static CronExpression ParseCron(string text)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        try
        {
            return fields switch
            {
                6 => CronExpression.Parse(text, CronFormat.IncludeSeconds),
                5 => CronExpression.Parse(text, CronFormat.Standard),
                _ => throw new CronFormatException($"it has {fields} fields; expected 6 (seconds minutes hours day-of-month month day-of-week) or 5"),
            };
        }
        catch (CronFormatException e)
        {
            throw new PipelineSpecException([new PipelineProblem("trigger.cron", $"'{text}' is not a cron expression: {e.Message}")]);
        }
    }

    /// <summary>The first tick strictly after <paramref name="after"/> (and the anchor), or null past the end.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        if (after < Anchor)
        {
            after = Anchor;
        }

        DateTimeOffset? next;
        if (cron is not null)
        {
            next = cron.GetNextOccurrence(after, TimeZoneInfo.Utc, inclusive: false);
        }
        else
        {
            // Interval ticks sit on the anchor's grid, so a late wake-up does not shift the series.
            var steps = ((after - Anchor).Ticks / interval.Ticks) + 1;
            next = Anchor + TimeSpan.FromTicks(steps * interval.Ticks);
        }

        return next is { } tick && (End is null || tick <= End) ? tick : null;
    }

    /// <summary>
    /// The ticks due after <paramref name="last"/> up to <paramref name="now"/>, oldest first, at
    /// most <paramref name="limit"/>; with <paramref name="noCatchup"/> only the latest of them.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> Due(DateTimeOffset? last, DateTimeOffset now, bool noCatchup, int limit)
    {
        var from = last ?? Anchor;
        if (noCatchup)
        {
            DateTimeOffset? latest = null;
            if (cron is not null)
            {
                // Cronos walks occurrences lazily; the last one at or before now is the one to run.
                foreach (var tick in cron.GetOccurrences(from, now, TimeZoneInfo.Utc, fromInclusive: false, toInclusive: true))
                {
                    if (tick <= Anchor)
                    {
                        continue;
                    }

                    if (End is { } end && tick > end)
                    {
                        break;
                    }

                    latest = tick;
                }
            }
            else if (Next(from) is { } first && first <= now)
            {
                var bound = End is { } end && end < now ? end : now;
                var steps = (bound - Anchor).Ticks / interval.Ticks;
                latest = Anchor + TimeSpan.FromTicks(steps * interval.Ticks);
            }

            return latest is { } only ? [only] : [];
        }

        var due = new List<DateTimeOffset>();
        var cursor = from;
        while (due.Count < limit && Next(cursor) is { } next && next <= now)
        {
            due.Add(next);
            cursor = next;
        }

        return due;
    }
}
