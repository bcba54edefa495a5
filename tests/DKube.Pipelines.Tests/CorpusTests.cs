using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace DKube.Pipelines.Tests;

public sealed class CorpusTests
{
    [Fact]
    public void TheCorpusHoldsTheTwelveCompiledPipelines() => Assert.Equal(12, Corpus.Files().Count);

    [Theory]
    [MemberData(nameof(Corpus.Files), MemberType = typeof(Corpus))]
    public void EveryCorpusPipelineIsAccepted(string file)
    {
        var spec = KfpParser.Parse(Corpus.Read(file));

        Assert.False(string.IsNullOrEmpty(spec.Name));
        Assert.NotNull(spec.Root.Dag);
        Assert.NotEmpty(spec.Root.Dag!.Tasks);
    }

    /// <summary>
    /// The graph is checked against the YAML read independently (YamlDotNet's raw tree): one node
    /// per task of every DAG reachable from the root, one edge per dependentTasks entry.
    /// </summary>
    [Theory]
    [MemberData(nameof(Corpus.Files), MemberType = typeof(Corpus))]
    public void TheGraphMatchesTheYaml(string file)
    {
        var yaml = Corpus.Read(file);
        var graph = PipelineGraph.Of(KfpParser.Parse(yaml));

        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var document = (YamlMappingNode)stream.Documents[0].RootNode;
        var components = (YamlMappingNode)document["components"];
        var expectedNodes = new List<string>();
        var expectedEdges = new List<(string, string)>();
        Collect((YamlMappingNode)((YamlMappingNode)document["root"])["dag"], null);

        Assert.Equal(expectedNodes.Order(StringComparer.Ordinal), graph.Nodes.Select(n => n.Id).Order(StringComparer.Ordinal));
        Assert.Equal(
            expectedEdges.Select(e => $"{e.Item1}->{e.Item2}").Order(StringComparer.Ordinal),
            graph.Edges.Select(e => $"{e.From}->{e.To}").Order(StringComparer.Ordinal));
        Assert.All(graph.Nodes.Where(n => n.Parent is not null), n => Assert.Contains(graph.Nodes, p => p.Id == n.Parent && p.Kind == "dag"));

        void Collect(YamlMappingNode dag, string? parent)
        {
            foreach (var (key, value) in (YamlMappingNode)dag["tasks"])
            {
                var name = ((YamlScalarNode)key).Value!;
                var id = parent is null ? name : $"{parent}/{name}";
                expectedNodes.Add(id);
                var task = (YamlMappingNode)value;
                if (task.Children.TryGetValue("dependentTasks", out var dependencies))
                {
                    expectedEdges.AddRange(((YamlSequenceNode)dependencies).Select(d => (parent is null ? ((YamlScalarNode)d).Value! : $"{parent}/{((YamlScalarNode)d).Value}", id)));
                }

                var component = (YamlMappingNode)components[((YamlScalarNode)((YamlMappingNode)task["componentRef"])["name"]).Value!];
                if (component.Children.TryGetValue("dag", out var inner))
                {
                    Collect((YamlMappingNode)inner, id);
                }
            }
        }
    }

    [Fact]
    public void TheNestedConditionsPipelineKeepsItsConditionsAndPlaceholderConstant()
    {
        var spec = KfpParser.Parse(Corpus.Read("pipeline_with_nested_conditions_yaml.yaml"));
        var graph = PipelineGraph.Of(spec);

        var conditions = graph.Nodes.Where(n => n.Condition is not null).ToList();
        Assert.Equal(6, conditions.Count);
        Assert.All(conditions, n => Assert.Equal("dag", n.Kind));
        Assert.Equal("conditional-execution-pipeline", spec.Name);
        Assert.Equal("Conditional execution pipeline.", spec.DisplayName);
    }

    [Fact]
    public void TheExitHandlerPipelineRunsItsExitTaskAfterFailures()
    {
        var spec = KfpParser.Parse(Corpus.Read("pipeline_with_task_final_status_yaml.yaml"));
        var exit = spec.Root.Dag!.Tasks["exit-op"];

        Assert.True(exit.RunsAfterFailures);
        Assert.Equal(ParameterSourceKind.TaskFinalStatus, exit.Parameters["status"].Kind);
        Assert.Equal("exit-handler-1", exit.Parameters["status"].ProducerTask);
    }

    [Fact]
    public void LoopsReadTheirItemsFromInputsOutputsAndRawJson()
    {
        var spec = KfpParser.Parse(Corpus.Read("pipeline_with_loops.yaml"));
        var tasks = spec.Root.Dag!.Tasks;

        Assert.Equal("pipelinechannel--loop_parameter", tasks["for-loop-1"].Iterator!.InputParameter);
        var raw = Assert.IsType<JsonArray>(tasks["for-loop-4"].Iterator!.Raw);
        Assert.Equal(2, raw.Count);
        Assert.Equal("10", raw[1]!["A_a"]!.GetValue<string>());
    }

    [Fact]
    public void ConstantsKeepTheirJsonTypes()
    {
        var spec = KfpParser.Parse(Corpus.Read("pipeline_with_various_io_types.yaml"));
        var constant = spec.Root.Dag!.Tasks.Values
            .SelectMany(t => t.Parameters.Values)
            .Single(p => p.Kind == ParameterSourceKind.Constant && p.Constant is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number);

        Assert.Equal(3.1415926, constant.Constant!.GetValue<double>());
    }
}
