namespace DKube.Scheduling.Tests;

public class FairShareTests
{
    [Fact]
    public void A_tenant_alone_may_use_every_slot_but_the_reserve()
    {
        Assert.Equal(32, FairShare.Level(32, [64]));
        Assert.Equal(28, FairShare.Cap(32, 4, [64]));
    }

    [Fact]
    public void Demands_that_fit_are_not_capped_below_the_capacity()
    {
        Assert.Equal(32, FairShare.Level(32, [3, 5, 10]));
        Assert.Equal(32, FairShare.Level(32, []));
    }

    [Fact]
    public void A_small_demand_is_met_in_full_and_the_flood_gets_the_rest()
    {
        // B wants 3: it gets 3; A's level is what is left.
        Assert.Equal(29, FairShare.Level(32, [64, 3]));
        Assert.Equal(28, FairShare.Cap(32, 4, [64, 3]));
    }

    [Fact]
    public void Two_floods_split_the_slots_equally()
    {
        Assert.Equal(16, FairShare.Level(32, [64, 100]));
        Assert.Equal(16, FairShare.Cap(32, 4, [64, 100]));
    }

    [Fact]
    public void Water_filling_gives_the_small_demands_first_and_the_rest_equally()
    {
        // 2 and 4 are met (6); 26 left for three tenants who each want more than a third of it: ceil(26/3) = 9.
        Assert.Equal(9, FairShare.Level(32, [50, 2, 40, 4, 9]));
        // 8 fits under the equal split (26/3), so it is met in full, and the two floods share the other 18.
        Assert.Equal(9, FairShare.Level(32, [50, 2, 40, 4, 8]));
        Assert.Equal(13, FairShare.Level(32, [50, 2, 40, 4, 0]));
    }

    [Fact]
    public void More_tenants_than_slots_still_give_each_one_slot()
    {
        Assert.Equal(1, FairShare.Level(4, [10, 10, 10, 10, 10, 10]));
        Assert.Equal(1, FairShare.Cap(1, 0, [10, 10]));
    }

    [Fact]
    public void Zero_demands_are_not_tenants()
    {
        Assert.Equal(FairShare.Level(32, [64, 100]), FairShare.Level(32, [0, 64, 0, 100]));
    }

    [Fact]
    public void The_level_never_lets_capped_tenants_exceed_the_capacity_by_more_than_rounding()
    {
        var random = new Random(18);
        for (var round = 0; round < 2_000; round++)
        {
            var capacity = random.Next(1, 200);
            var demands = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(0, 300)).ToList();
            var level = FairShare.Level(capacity, demands);
            var granted = demands.Sum(d => Math.Min(d, level));
            var tenants = demands.Count(d => d > 0);

            // Work conserving: all slots are usable when the demands ask for them...
            Assert.True(granted >= Math.Min(capacity, demands.Sum()), $"capacity {capacity}, demands {string.Join(",", demands)}: {granted}");
            // ...and the rounding up oversubscribes by less than one slot per tenant.
            Assert.True(granted < capacity + Math.Max(1, tenants), $"capacity {capacity}, demands {string.Join(",", demands)}: {granted}");
            // Max-min: a tenant below the level gets everything it wants; nobody's share is below an equal split.
            Assert.True(level >= Math.Min(capacity, Math.Max(1, capacity / Math.Max(1, tenants))));
        }
    }

    [Fact]
    public void A_flood_whose_demand_stays_above_the_level_leaves_it_where_it_is()
    {
        // B wants 3 of 32: A's level is 29 whether A wants 64, 40 or 30.
        var water = FairShare.Water(32, [64, 3]);
        Assert.Equal(29, water.Level);
        Assert.True(water.Holds(64, 65));
        Assert.True(water.Holds(64, 30));
        Assert.Equal(29, FairShare.Level(32, [30, 3]));

        // Anything that can move it is told: a tenant arriving or leaving, B's demand changing, A falling to the level.
        Assert.False(water.Holds(0, 1));
        Assert.False(water.Holds(1, 0));
        Assert.False(water.Holds(3, 4));
        Assert.False(water.Holds(30, 29));
    }

    [Fact]
    public void When_every_demand_fits_only_a_growing_one_can_move_the_level()
    {
        var water = FairShare.Water(32, [3, 5, 10]);
        Assert.Equal(32, water.Level);
        Assert.True(water.Holds(10, 9));
        Assert.True(water.Holds(3, 0));
        Assert.False(water.Holds(10, 11));
    }

    [Fact]
    public void A_level_that_holds_is_the_level_computed_again()
    {
        var random = new Random(1818);
        for (var round = 0; round < 20_000; round++)
        {
            var capacity = random.Next(1, 100);
            var demands = Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(0, 150)).ToList();
            var water = FairShare.Water(capacity, demands);
            Assert.Equal(FairShare.Level(capacity, demands), water.Level);

            var who = random.Next(demands.Count);
            var before = demands[who];
            var after = Math.Max(0, before + random.Next(-3, 4));
            if (water.Holds(before, after))
            {
                demands[who] = after;
                Assert.True(water.Level == FairShare.Level(capacity, demands),
                    $"capacity {capacity}, demands {string.Join(",", demands)} after {before} -> {after}: level {FairShare.Level(capacity, demands)}, kept {water.Level}");
            }
        }
    }

    [Fact]
    public void The_default_reserve_is_an_eighth_of_the_slots_and_none_of_one_slot()
    {
        Assert.Equal(4, FairShare.DefaultReserve(32));
        Assert.Equal(1, FairShare.DefaultReserve(2));
        Assert.Equal(0, FairShare.DefaultReserve(1));
    }
}
