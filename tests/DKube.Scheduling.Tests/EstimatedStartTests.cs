using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class EstimatedStartTests
{
    [Fact]
    public void Queued_request_starts_when_enough_running_work_is_expected_to_end()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2, duration: TimeSpan.FromHours(1)), T0);
        pool.Submit(Request("r2", 2, duration: TimeSpan.FromHours(3)), T0.AddMinutes(30));

        var entry = Queued(pool.Submit(Request("r3", 2), T0.AddMinutes(40)));

        Assert.Equal(T0.AddHours(1), entry.EstimatedStart);
    }

    [Fact]
    public void Estimates_simulate_the_queue_in_order_against_the_quota()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2, duration: TimeSpan.FromHours(1)), T0);
        pool.Submit(Request("r2", 2, duration: TimeSpan.FromHours(2)), T0);
        pool.Submit(Request("q1", 4, duration: TimeSpan.FromHours(1)), T0);
        pool.Submit(Request("q2", 2, duration: TimeSpan.FromHours(1)), T0);
        pool.Submit(Request("q3", 2, duration: TimeSpan.FromHours(5)), T0);

        var view = pool.QueueView(T0);

        Assert.Equal([1, 2, 3], view.Select(e => e.Position));
        Assert.Equal(["q1", "q2", "q3"], view.Select(e => e.Request.Id));
        Assert.Equal(T0.AddHours(2), view[0].EstimatedStart);
        Assert.Equal(T0.AddHours(3), view[1].EstimatedStart);
        Assert.Equal(T0.AddHours(3), view[2].EstimatedStart);
    }

    [Fact]
    public void Overrunning_work_is_assumed_to_end_now_rather_than_in_the_past()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 4, duration: TimeSpan.FromHours(1)), T0);
        pool.Submit(Request("q1", 2), T0);

        var later = T0.AddHours(5);

        Assert.Equal(later, Assert.Single(pool.QueueView(later)).EstimatedStart);
    }

    [Fact]
    public void Strict_fifo_gives_no_estimate_behind_a_head_that_cannot_start()
    {
        var pool = Pool(8);
        pool.Submit(Request("r1", 8), T0);
        pool.Submit(Request("big", 8), T0);
        pool.Submit(Request("small", 1), T0);
        pool.Resize(4, T0);

        Assert.All(pool.QueueView(T0), e => Assert.Null(e.EstimatedStart));
    }

    [Fact]
    public void Best_effort_still_estimates_requests_behind_a_head_that_cannot_start()
    {
        var pool = Pool(8, policy: QueuePolicy.BestEffortFifo);
        pool.Submit(Request("r1", 8), T0);
        pool.Submit(Request("big", 8), T0);
        pool.Submit(Request("small", 1), T0);
        pool.Resize(4, T0);

        var view = pool.QueueView(T0);

        Assert.Null(view[0].EstimatedStart);
        Assert.Equal(T0.AddHours(1), view[1].EstimatedStart);
    }
}
