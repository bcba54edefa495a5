namespace DKube.Tuning.Tests;

public sealed class KatibParserTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "katib"), "*.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_Katib_example_parses_as_it_is(string file)
    {
        var spec = KatibParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "katib", file)));

        Assert.NotEmpty(spec.Parameters);
        Assert.False(string.IsNullOrEmpty(spec.Objective.Metric));
        Assert.NotNull(spec.Command);
        Assert.All(spec.TrialParameters, t => Assert.Contains(spec.Parameters, p => p.Name == t.Reference));
        // Each algorithm the examples name can propose a first trial.
        var first = SearchAlgorithms.Create(spec, 1).Propose(0, []);
        Assert.Equal(spec.Parameters.Select(p => p.Name).Order(), first.Parameters!.Keys.Order());
    }

    [Fact]
    public void The_corpus_holds_all_twelve_examples() => Assert.Equal(12, CorpusFiles().Count);

    [Fact]
    public void Random_example_reads_objective_limits_parameters_and_command()
    {
        var spec = KatibParser.Parse(Corpus("random-example.yaml"));

        Assert.Equal(ObjectiveType.Maximize, spec.Objective.Type);
        Assert.Equal("Validation-accuracy", spec.Objective.Metric);
        Assert.Equal(0.99, spec.Objective.Goal);
        Assert.Equal(["Train-accuracy"], spec.Objective.AdditionalMetrics);
        Assert.Equal((3, 12, 3), (spec.ParallelTrialCount, spec.MaxTrialCount, spec.MaxFailedTrialCount));
        Assert.Equal([ParameterType.Double, ParameterType.Int, ParameterType.Categorical], spec.Parameters.Select(p => p.Type));
        Assert.Equal(["sgd", "adam", "ftrl"], spec.Parameters[2].List);
        Assert.Equal((2, 5), (spec.Parameters[1].Min, spec.Parameters[1].Max));
    }

    [Fact]
    public void File_collector_and_settings_are_read()
    {
        var files = KatibParser.Parse(Corpus("file-metrics-collector.yaml"));
        var median = KatibParser.Parse(Corpus("median-stop.yaml"));
        var bayes = KatibParser.Parse(Corpus("bayesian-optimization.yaml"));
        var strategies = KatibParser.Parse(Corpus("metrics-collection-strategy.yaml"));

        Assert.Equal("File", files.MetricsCollector.Kind);
        Assert.Equal("/katib/mnist.log", files.MetricsCollector.Path);
        Assert.Equal("medianstop", median.EarlyStopping!.Name);
        Assert.Equal((1, 2), (new MedianStop(median.EarlyStopping.Settings).MinTrialsRequired, new MedianStop(median.EarlyStopping.Settings).StartStep));
        Assert.Equal(10, bayes.Seed);
        Assert.Equal(MetricStrategy.Min, strategies.Objective.StrategyOf("loss"));
        Assert.Equal(MetricStrategy.Max, strategies.Objective.StrategyOf("accuracy"));
    }

    [Fact]
    public void Trial_parameters_are_substituted_into_the_template_command_or_the_runs_own()
    {
        var spec = KatibParser.Parse(Corpus("random.yaml"));
        var values = new Dictionary<string, string> { ["lr"] = "0.02", ["momentum"] = "0.7" };

        Assert.Equal("python3 /opt/pytorch-mnist/mnist.py --epochs=1 --batch-size=16 --lr=0.02 --momentum=0.7", spec.CommandFor(null, values));
        Assert.Equal("python3 t.py --lr 0.02 --m 0.7", spec.CommandFor("python3 t.py --lr ${trialParameters.learningRate} --m ${parameters.momentum}", values));
    }

    [Fact]
    public void A_bare_spec_is_accepted_too()
    {
        var spec = KatibParser.Parse("""
            objective: {type: minimize, objectiveMetricName: loss}
            algorithm: {algorithmName: random}
            parameters:
              - {name: x, parameterType: double, feasibleSpace: {min: "-1", max: "1"}}
            """);

        Assert.Equal(3, spec.ParallelTrialCount);
        Assert.Equal(KatibParser.DefaultMaxTrialCount, spec.MaxTrialCount);
    }

    [Theory]
    [InlineData("algorithm: {algorithmName: annealing}", "spec.algorithm.algorithmName", "annealing")]
    [InlineData("parameters: [{name: x, parameterType: double, feasibleSpace: {min: \"2\", max: \"1\"}}]", "spec.parameters[0].feasibleSpace", "greater than max")]
    [InlineData("parameters: [{name: c, parameterType: categorical, feasibleSpace: {list: []}}]", "spec.parameters[0].feasibleSpace.list", "empty")]
    [InlineData("objective: {type: minimize}", "spec.objective.objectiveMetricName", "required")]
    [InlineData("objective: {type: sideways, objectiveMetricName: loss}", "spec.objective.type", "sideways")]
    [InlineData("parallelTrialCount: 0", "spec.parallelTrialCount", "at least 1")]
    [InlineData("algorithm: {algorithmName: grid}", "spec.algorithm.algorithmSettings", "step")]
    [InlineData("earlyStopping: {algorithmName: truncation}", "spec.earlyStopping.algorithmName", "truncation")]
    [InlineData("metricsCollectorSpec: {collector: {kind: PrometheusMetric}}", "spec.metricsCollectorSpec.collector.kind", "not supported")]
    public void Each_mistake_is_named_by_its_field(string change, string field, string says)
    {
        var error = Assert.Throws<StudySpecException>(() => KatibParser.Parse(Valid(change)));

        Assert.False(error.Malformed);
        Assert.Contains(error.Errors[field], m => m.Contains(says, StringComparison.Ordinal));
    }

    [Fact]
    public void Text_that_is_not_yaml_is_malformed()
    {
        var error = Assert.Throws<StudySpecException>(() => KatibParser.Parse("spec: {objective: [unclosed"));

        Assert.True(error.Malformed);
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_document_is_refused_before_it_is_read()
    {
        var error = Assert.Throws<StudySpecException>(() => KatibParser.Parse(new string('#', 10 * 1024 * 1024)));

        Assert.Contains("at most", error.Message, StringComparison.Ordinal);
    }

    internal static string Corpus(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "katib", file));

    /// <summary>A valid spec with one top-level key of its spec replaced by <paramref name="change"/>.</summary>
    private static string Valid(string change)
    {
        var lines = new Dictionary<string, string>
        {
            ["objective"] = "objective: {type: minimize, objectiveMetricName: loss}",
            ["algorithm"] = "algorithm: {algorithmName: random}",
            ["parameters"] = "parameters: [{name: x, parameterType: double, feasibleSpace: {min: \"0\", max: \"1\"}}]",
        };
        var key = change[..change.IndexOf(':', StringComparison.Ordinal)];
        lines[key] = change;
        return "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nspec:\n" + string.Join("\n", lines.Values.Select(l => "  " + l));
    }
}
