namespace DKube.Tuning.Tests;

public sealed class AlgorithmTests
{
    [Fact]
    public void Grid_walks_every_point_once_then_is_exhausted()
    {
        var spec = KatibParser.Parse(KatibParserTests.Corpus("grid.yaml"));
        var grid = (GridSearch)SearchAlgorithms.Create(spec, 0);
        var points = Enumerable.Range(0, (int)grid.Size).Select(i => grid.Propose(i, []).Parameters!).ToList();

        Assert.Equal(points.Count, points.Select(p => string.Join(",", p.Values)).Distinct().Count());
        Assert.True(grid.Propose((int)grid.Size, []).Exhausted);
        Assert.Equal("0.01", points[0]["lr"]);
        Assert.Equal("0.5", points[0]["momentum"]);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("bayesianoptimization")]
    [InlineData("tpe")]
    [InlineData("sobol")]
    public void The_same_seed_and_history_give_the_same_proposals_within_the_space(string algorithm)
    {
        var spec = KatibParser.Parse(KatibParserTests.Corpus("random-example.yaml")) with { };
        spec = spec with { Algorithm = new AlgorithmSpec(algorithm, algorithm, new Dictionary<string, string>()) };
        var a = Run(SearchAlgorithms.Create(spec, 7), 15);
        var b = Run(SearchAlgorithms.Create(spec, 7), 15);

        Assert.Equal(a, b);
        Assert.All(a, p =>
        {
            var lr = double.Parse(p["lr"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(lr, 0.01, 0.03);
            Assert.InRange(int.Parse(p["num-layers"], System.Globalization.CultureInfo.InvariantCulture), 2, 5);
            Assert.Contains(p["optimizer"], new[] { "sgd", "adam", "ftrl" });
        });
        Assert.NotEqual(a, Run(SearchAlgorithms.Create(spec, 8), 15));

        static List<IReadOnlyDictionary<string, string>> Run(ISearchAlgorithm search, int count)
        {
            var trials = new List<TrialRecord>();
            for (var i = 0; i < count; i++)
            {
                var p = search.Propose(i, trials).Parameters!;
                trials.Add(new TrialRecord(i, p, true, double.Parse(p["lr"], System.Globalization.CultureInfo.InvariantCulture) * p["optimizer"].Length));
            }

            return trials.Select(t => t.Parameters).ToList();
        }
    }

    [Theory]
    [InlineData("bayesianoptimization")]
    [InlineData("tpe")]
    public void Model_based_search_beats_random_on_a_quadratic_over_seeds(string algorithm)
    {
        var spec = KatibParser.Parse("""
            objective: {type: minimize, objectiveMetricName: f}
            algorithm: {algorithmName: random}
            parameters:
              - {name: a, parameterType: double, feasibleSpace: {min: "-5", max: "5"}}
              - {name: b, parameterType: double, feasibleSpace: {min: "-5", max: "5"}}
            """);
        double Best(string name, int seed)
        {
            var search = SearchAlgorithms.Create(spec with { Algorithm = new AlgorithmSpec(name, name, new Dictionary<string, string>()) }, seed);
            var trials = new List<TrialRecord>();
            for (var i = 0; i < 30; i++)
            {
                var p = search.Propose(i, trials).Parameters!;
                var (a, b) = (double.Parse(p["a"], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p["b"], System.Globalization.CultureInfo.InvariantCulture));
                trials.Add(new TrialRecord(i, p, true, ((a - 1.3) * (a - 1.3)) + ((b + 2.1) * (b + 2.1))));
            }

            return trials.Min(t => t.Score!.Value);
        }

        var seeds = Enumerable.Range(1, 8).ToList();
        Assert.True(seeds.Average(s => Best(algorithm, s)) < seeds.Average(s => Best("random", s)));
    }

    [Fact]
    public void Hyperband_promotes_the_best_of_a_rung_with_a_larger_budget_after_the_rung_ended()
    {
        var spec = KatibParser.Parse(KatibParserTests.Corpus("hyperband.yaml"));
        var search = SearchAlgorithms.Create(spec, 3);
        var trials = new List<TrialRecord>();
        var first = search.Propose(0, trials);
        trials.Add(new TrialRecord(0, first.Parameters!, false, null, first.Tag));
        var second = search.Propose(1, trials);
        trials.Add(new TrialRecord(1, second.Parameters!, false, null, second.Tag));

        Assert.Equal(("1", "1"), (first.Parameters!["num-epochs"], second.Parameters!["num-epochs"]));
        // Rung 0 of bracket 1 is running: the next bracket starts meanwhile (budget 2).
        var third = search.Propose(2, trials);
        Assert.Equal(("2", "0/0/0"), (third.Parameters!["num-epochs"], third.Tag));
        trials.Add(new TrialRecord(2, third.Parameters!, false, null, third.Tag));
        var fourth = search.Propose(3, trials);
        trials.Add(new TrialRecord(3, fourth.Parameters!, false, null, fourth.Tag));
        Assert.Same(Proposal.Wait, search.Propose(4, trials));

        trials[0] = trials[0] with { Done = true, Score = 0.9 };
        trials[1] = trials[1] with { Done = true, Score = 0.2 };
        var promoted = search.Propose(4, trials);

        Assert.Equal("1/1/1", promoted.Tag);
        Assert.Equal("2", promoted.Parameters!["num-epochs"]);
        Assert.Equal(second.Parameters!["lr"], promoted.Parameters["lr"]);
        trials.Add(new TrialRecord(4, promoted.Parameters, false, null, promoted.Tag));
        Assert.True(search.Propose(5, trials).Exhausted);
    }

    [Fact]
    public void Median_stop_stops_a_trial_worse_than_the_median_of_completed_running_averages()
    {
        var rule = new MedianStop(new Dictionary<string, string> { ["min_trials_required"] = "2", ["start_step"] = "2" });
        IReadOnlyList<IReadOnlyList<double>> completed = [[1.0, 0.5, 0.4], [0.8, 0.6, 0.3], [2.0, 1.8, 1.7]];

        Assert.False(rule.ShouldStop([5.0], completed)); // before start_step
        Assert.True(rule.ShouldStop([5.0, 4.0], completed)); // best 4.0 > median of averages (0.75, 0.7, 1.9) = 0.75
        Assert.False(rule.ShouldStop([0.9, 0.7], completed));
        Assert.False(rule.ShouldStop([5.0, 4.0], completed.Take(1).ToList())); // too few completed
    }

    [Fact]
    public void Metrics_come_from_records_and_stdout_lines_with_strategies()
    {
        var values = TrialMetrics.Read(
            ["{\"step\":1,\"loss\":0.5,\"accuracy\":0.7}", "not json", "{\"step\":2,\"loss\":0.3}"],
            ["epoch 3: loss=0.4 accuracy=0.81", "Validation-accuracy=9.5e-1", "nothing here"],
            MetricsCollectorSpec.Default);

        Assert.Equal([0.5, 0.3, 0.4], values["loss"]);
        Assert.Equal(0.3, TrialMetrics.ValueOf(values, "loss", MetricStrategy.Min));
        Assert.Equal(0.4, TrialMetrics.ValueOf(values, "loss", MetricStrategy.Latest));
        Assert.Equal(0.81, TrialMetrics.ValueOf(values, "accuracy", MetricStrategy.Max));
        Assert.Equal(0.95, TrialMetrics.ValueOf(values, "Validation-accuracy", MetricStrategy.Max));
        Assert.Null(TrialMetrics.ValueOf(values, "f1", MetricStrategy.Max));
    }

    [Fact]
    public void A_custom_file_format_finds_its_pairs()
    {
        var spec = KatibParser.Parse(KatibParserTests.Corpus("file-metrics-collector.yaml"));
        var values = TrialMetrics.Read([], ["{metricName: accuracy, metricValue: 0.9123}", "{metricName: loss, metricValue: 0.2}"], spec.MetricsCollector);

        Assert.Equal([0.9123], values["accuracy"]);
        Assert.Equal([0.2], values["loss"]);
    }
}
