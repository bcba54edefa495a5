using System.Text.Json.Nodes;
using DKube.Testing;

namespace DKube.Pipelines.Tests;

/// <summary>
/// DKube's own components in a compiled pipeline (preprocessing -> training -> serving, as the KFP
/// v2 compiler writes DKube's component.yaml files): recognized by their launcher, shown as DKube
/// steps in the graph, and read into what each asks for once the task's inputs are in its flags.
/// </summary>
public sealed class DkubeStepTests
{
    private static readonly string Yaml = PipelineSamples.DkubeTrainServe(
        "mnist-code", "raw", "clean", "clf", "python3 prep.py", "python3 train.py --epochs 5", """{"image": "ocdr/sklearnserver:0.23.2"}""");

    [Fact]
    public void The_dkube_components_are_recognized_by_their_launcher_and_shown_as_dkube_steps_in_the_graph()
    {
        var spec = KfpParser.Parse(Yaml);
        var graph = PipelineGraph.Of(spec);

        Assert.Equal(
            [("dkube-preprocess", "dkube-preprocessing"), ("dkube-serving", "dkube-serving"), ("dkube-training", "dkube-training")],
            graph.Nodes.Select(n => (n.Id, n.Kind)));
        Assert.Equal(["dkube-preprocess->dkube-training", "dkube-training->dkube-serving"], graph.Edges.Select(e => $"{e.From}->{e.To}").Order(StringComparer.Ordinal));
        Assert.All(graph.Nodes, n => Assert.StartsWith("ocdr/dkubepl:", n.Image, StringComparison.Ordinal));
        // A plain container, and the launcher's image with its own entrypoint.
        Assert.Null(DkubeSteps.KindOf(new ContainerSpec("alpine", ["sh", "-c", "echo training"], ["training"], new Dictionary<string, string>())));
        Assert.Equal(DkubeStepKind.Storage, DkubeSteps.KindOf(new ContainerSpec("docker.io/ocdr/dkubepl:2.2.1.4", [], ["storage", "--action", "export"], new Dictionary<string, string>())));
        Assert.Equal(DkubeStepKind.Preprocessing, DkubeSteps.KindOf(new ContainerSpec("ocdr/dkubepl:py", ["/usr/local/bin/dkubepl"], ["preprocess"], new Dictionary<string, string>())));
    }

    [Fact]
    public void Preprocessing_and_training_read_their_code_script_inputs_with_mounts_outputs_and_envs_from_the_launchers_flags()
    {
        var spec = KfpParser.Parse(Yaml);

        var preprocess = Read(spec, "dkube-preprocess");
        var training = Read(spec, "dkube-training");

        Assert.Equal(DkubeStepKind.Preprocessing, preprocess.Kind);
        Assert.Equal([new DkubeDataRef("dataset", "raw", null, "opt/dkube/input")], preprocess.Inputs);
        Assert.Equal([new DkubeDataRef("dataset", "clean", null, "opt/dkube/output")], preprocess.Outputs);
        Assert.Equal(("mnist-code", "python3 prep.py"), (preprocess.Program, preprocess.Script));
        Assert.Equal(DkubeStepKind.Training, training.Kind);
        Assert.Equal("ocdr/d3-datascience-sklearn:v0.23.2-1", training.Image);
        Assert.Equal(("mnist-code", null, "python3 train.py --epochs 5"), (training.Program, training.Commit, training.Script));
        Assert.Equal([new DkubeDataRef("dataset", "clean", null, "opt/dkube/input")], training.Inputs);
        Assert.Equal([new DkubeDataRef("model", "clf", null, "opt/dkube/output")], training.Outputs);
        Assert.Equal("5", training.Envs["EPOCHS"]);
        Assert.Equal(0, training.Gpus);
        Assert.Null(training.Serving);
    }

    [Fact]
    public void Serving_deploys_the_model_version_the_training_steps_artifact_names()
    {
        var spec = KfpParser.Parse(Yaml);
        var artifact = DkubeSteps.ArtifactJson([("model", "clf", "m-0123456789ab", 3)]);

        var serving = Read(spec, "dkube-serving", new Dictionary<string, string> { ["model"] = artifact });

        Assert.Equal(DkubeStepKind.Serving, serving.Kind);
        Assert.Equal(new DkubeServingSpec("clf", 3, 0, "ocdr/sklearnserver:0.23.2", null, null, null, null, null, null, null, null), serving.Serving);
        // A bare model name with its version, a GPU device, a custom runtime's command.
        var named = Read(spec, "dkube-serving", new Dictionary<string, string>
        {
            ["model"] = "clf", ["model_version"] = "v2", ["device"] = "gpu",
            ["serving_image"] = """{"image": "x", "command": "python3 serve.py"}""",
        });
        Assert.Equal(("clf", 2, 1, "python3 serve.py"), (named.Serving!.Model, named.Serving.ModelVersion, named.Serving.Gpus, named.Serving.Command));
    }

    [Theory]
    [InlineData("input_dataset_mounts", """["/a", "/b"]""", "datasets names 1 dataset(s) but input_dataset_mounts has 2 mount path(s)")]
    [InlineData("input_dataset_mounts", """["/opt/../../etc"]""", "is not a mount path inside the run's folder")]
    [InlineData("input_dataset_versions", """["latest"]""", "'latest' is not a version number")]
    [InlineData("envs", """["1BAD=x"]""", "'1BAD' is not a variable name")]
    [InlineData("ngpus", "many", "'many' is not a count")]
    public void A_step_whose_flags_do_not_read_says_which_flag_is_wrong(string input, string value, string message)
    {
        var spec = KfpParser.Parse(Yaml);

        var error = Assert.Throws<FormatException>(() => Read(spec, "dkube-training", new Dictionary<string, string> { [input] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_are_read_as_json_in_the_python_form_dkube_examples_write_or_as_one_bare_name()
    {
        var spec = KfpParser.Parse(Yaml);

        var step = Read(spec, "dkube-training", new Dictionary<string, string>
        {
            ["datasets"] = "['a', 'b']", ["input_dataset_mounts"] = "['/data/a', '/data/b']", ["input_dataset_versions"] = """["", "v4"]""",
            ["models"] = "base", ["input_model_mounts"] = "/pretrained",
        });

        Assert.Equal(
            [new DkubeDataRef("dataset", "a", null, "data/a"), new DkubeDataRef("dataset", "b", 4, "data/b"), new DkubeDataRef("model", "base", null, "pretrained")],
            step.Inputs);
    }

    /// <summary>The step of task <paramref name="task"/>, its inputs as the walk gives them (constants typed by the component), with <paramref name="overrides"/>.</summary>
    private static DkubeStep Read(PipelineSpec spec, string task, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var taskSpec = spec.Root.Dag!.Tasks[task];
        var component = spec.Component(taskSpec);
        var texts = taskSpec.Parameters.Where(p => p.Value.Kind == ParameterSourceKind.Constant)
            .ToDictionary(p => p.Key, p => Placeholders.AsText(p.Value.Constant), StringComparer.Ordinal);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            texts[name] = value;
        }

        var typed = texts.ToDictionary(t => t.Key, t => TaskLaunch.Typed(component.InputParameters[t.Key].Type, t.Value), StringComparer.Ordinal);
        var input = new ExecutorInput(DkubeSteps.WithDefaults(component, typed), new Dictionary<string, ArtifactLocation>(),
            component.OutputParameters.Keys.ToDictionary(k => k, k => $"{TaskLaunch.OutputDir}/parameter.{k}"), new Dictionary<string, ArtifactLocation>(), "out.json");
        return DkubeSteps.Read(spec.Executor(component)!.Container!, input);
    }
}
