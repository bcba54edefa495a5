namespace DKube.Pipelines;

/// <summary>
/// The graph a client draws: every task of every DAG (nested ones with their parent), and an
/// edge for every <c>dependentTasks</c> entry.
/// </summary>
public sealed record PipelineGraph(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    public static PipelineGraph Of(PipelineSpec spec)
    {
        var nodes = new List<GraphNode>();
        var edges = new List<GraphEdge>();
        if (spec.Root.Dag is { } dag)
        {
            Walk(spec, dag, null, nodes, edges);
        }

        return new PipelineGraph(nodes, edges);
    }

    /// <summary>The path of a task inside the DAG at <paramref name="parent"/>.</summary>
    public static string PathOf(string? parent, string task) => parent is null ? task : $"{parent}/{task}";

    private static void Walk(PipelineSpec spec, DagSpec dag, string? parent, List<GraphNode> nodes, List<GraphEdge> edges)
    {
        foreach (var task in dag.Tasks.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var id = PathOf(parent, task.Name);
            var component = spec.Component(task);
            var executor = spec.Executor(component);
            var kind = component.Dag is not null ? "dag"
                : executor?.Importer is not null ? "importer"
                : executor?.Container is { } container && DkubeSteps.KindOf(container) is { } step ? DkubeSteps.NameOf(step)
                : "container";
            nodes.Add(new GraphNode(
                id,
                task.Name,
                task.DisplayName,
                task.ComponentRef,
                kind,
                parent,
                executor?.Container?.Image,
                task.Condition,
                task.Iterator is not null,
                task.RunsAfterFailures,
                task.EnableCache));
            edges.AddRange(task.DependentTasks.Order(StringComparer.Ordinal).Select(d => new GraphEdge(PathOf(parent, d), id)));
            if (component.Dag is { } inner)
            {
                Walk(spec, inner, id, nodes, edges);
            }
        }
    }
}
