namespace DKube.Pipelines.Tests;

public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ACronWithSecondsTicksEveryQuarterHourForADay()
    {
        var schedule = Schedule.Create("0 */15 * * * *", null, Midnight, null);

        var due = schedule.Due(null, Midnight.AddDays(1), noCatchup: false, limit: 1000);

        Assert.Equal(96, due.Count);
        Assert.Equal(Midnight.AddMinutes(15), due[0]);
        Assert.Equal(Midnight.AddDays(1), due[^1]);
    }

    [Fact]
    public void FiveFieldCronIsAcceptedToo() =>
        Assert.Equal(Midnight.AddHours(1), Schedule.Create("0 * * * *", null, Midnight, null).Next(Midnight));

    [Theory]
    [InlineData("every minute")]
    [InlineData("61 * * * * *")]
    [InlineData("* * * * * * * *")]
    public void AMalformedCronSaysWhy(string cron)
    {
        var error = Assert.Throws<PipelineSpecException>(() => Schedule.Create(cron, null, Midnight, null));

        Assert.Equal("trigger.cron", Assert.Single(error.Problems).Path);
    }

    [Fact]
    public void IntervalTicksStayOnTheStartTimesGrid()
    {
        var schedule = Schedule.Create(null, 3600, Midnight.AddMinutes(10), Midnight.AddHours(5));

        Assert.Equal(Midnight.AddHours(3).AddMinutes(10), schedule.Next(Midnight.AddHours(2).AddMinutes(47)));
        var due = schedule.Due(null, Midnight.AddDays(1), noCatchup: false, limit: 100);
        Assert.Equal(4, due.Count);
        Assert.Null(schedule.Next(due[^1]));
    }

    [Fact]
    public void NoCatchupRunsOnlyTheLatestMissedTick()
    {
        var cron = Schedule.Create("0 0 * * * *", null, Midnight, null);
        var interval = Schedule.Create(null, 600, Midnight, null);
        var now = Midnight.AddHours(5).AddMinutes(30);

        Assert.Equal([Midnight.AddHours(5)], cron.Due(Midnight.AddHours(1), now, noCatchup: true, limit: 100));
        Assert.Equal([Midnight.AddHours(5).AddMinutes(30)], interval.Due(null, now, noCatchup: true, limit: 100));
        Assert.Empty(cron.Due(Midnight.AddHours(5), now, noCatchup: true, limit: 100));
    }

    [Fact]
    public void ATickIsNeverDueTwice()
    {
        var schedule = Schedule.Create("*/7 * * * * *", null, Midnight, null);
        var seen = new HashSet<DateTimeOffset>();
        DateTimeOffset? last = null;
        var end = Midnight.AddHours(1);
        for (var now = Midnight; ; now = now < end ? now.AddSeconds(13) : now)
        {
            // Wake-ups every 13 s take at most three ticks each; past the hour they drain the rest.
            var due = schedule.Due(last, now < end ? now : end, noCatchup: false, limit: 3);
            if (due.Count == 0 && now >= end)
            {
                break;
            }

            foreach (var tick in due)
            {
                Assert.True(seen.Add(tick));
                last = tick;
            }
        }

        Assert.Equal(Enumerable.Range(1, 3600).Count(s => s % 60 % 7 == 0), seen.Count);
    }

    [Fact]
    public void BothOrNeitherTriggerIsRefused() =>
        Assert.Throws<PipelineSpecException>(() => Schedule.Create("* * * * * *", 5, Midnight, null));
}
