using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Pipelines;

namespace DKube.Grains.Pipelines;

/// <summary>From the pure pipeline model to what the grains store and answer, and its errors to 422s.</summary>
public static class PipelineDocuments
{
    /// <summary>The parsed pipeline; a <see cref="DomainException"/> (422, <c>invalid-pipeline</c>) listing every problem.</summary>
    public static PipelineSpec Parse(string yaml)
    {
        try
        {
            return KfpParser.Parse(yaml);
        }
        catch (PipelineSpecException e)
        {
            throw Invalid("invalid-pipeline", "The pipeline is not valid compiled KFP v2 YAML", e);
        }
    }

    /// <summary>A 422 whose <c>errors</c> map each YAML path to what is wrong there.</summary>
    public static DomainException Invalid(string code, string what, PipelineSpecException e)
    {
        var errors = e.Problems
            .GroupBy(p => p.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);
        return new DomainException(ErrorKind.Unprocessable, code, $"{what}: {e.Message}", errors);
    }

    public static PipelineGraphView Graph(PipelineSpec spec)
    {
        var graph = PipelineGraph.Of(spec);
        return new PipelineGraphView(
            [.. graph.Nodes.Select(n => new PipelineGraphNodeView(n.Id, n.DisplayName, n.Component, n.Kind, n.Parent, n.Image, n.Condition, n.Loop, n.RunsAfterFailures, n.Cached))],
            [.. graph.Edges.Select(e => new PipelineGraphEdgeView(e.From, e.To))]);
    }

    /// <summary>The pipeline's own parameters and their KFP types.</summary>
    public static IReadOnlyDictionary<string, string> Parameters(PipelineSpec spec) =>
        spec.Root.InputParameters.ToDictionary(p => p.Key, p => p.Value.Type, StringComparer.Ordinal);
}
