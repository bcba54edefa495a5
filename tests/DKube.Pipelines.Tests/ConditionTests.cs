using System.Text.Json.Nodes;

namespace DKube.Pipelines.Tests;

public sealed class ConditionTests
{
    [Theory]
    [InlineData("inputs.parameter_values['c'] == 'heads'", "heads", true)]
    [InlineData("inputs.parameter_values['c'] == 'heads'", "tails", false)]
    [InlineData("int(inputs.parameter_values['c']) > 5", "7", true)]
    [InlineData("int(inputs.parameter_values['c']) <= 5", "7", false)]
    [InlineData("!(int(inputs.parameter_values['c']) >= 10) && inputs.parameter_values['c'] != '3'", "4", true)]
    [InlineData("inputs.parameter_values['c'] == '1' || inputs.parameter_values['c'] == '2'", "2", true)]
    public void ConditionsTheCompilerWritesEvaluate(string condition, string value, bool expected)
    {
        var expression = ConditionExpression.TryParse(condition, out var error);

        Assert.Null(error);
        Assert.Equal(expected, expression!.Evaluate(new Dictionary<string, JsonNode?> { ["c"] = value }));
    }

    [Fact]
    public void EveryConditionOfTheCorpusParses()
    {
        var conditions = Corpus.Names()
            .Select(file => KfpParser.Parse(Corpus.Read(file)))
            .SelectMany(spec => spec.Components.Values.Select(c => c.Dag).Append(spec.Root.Dag).OfType<DagSpec>())
            .SelectMany(dag => dag.Tasks.Values)
            .Select(task => task.Condition)
            .OfType<string>()
            .ToList();

        Assert.Equal(7, conditions.Count);
        Assert.All(conditions, c => Assert.NotNull(ConditionExpression.TryParse(c, out _)));
    }
}
