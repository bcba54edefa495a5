namespace DKube.Tuning;

/// <summary>What a study optimizes: one metric, its direction and an optional goal that ends the study.</summary>
public sealed record ObjectiveSpec(
    ObjectiveType Type,
    string Metric,
    double? Goal,
    IReadOnlyList<string> AdditionalMetrics,
    IReadOnlyDictionary<string, MetricStrategy> Strategies)
{
    /// <summary>Katib's word for <see cref="Type"/>.</summary>
    public string TypeName => Type == ObjectiveType.Minimize ? "minimize" : "maximize";

    /// <summary>The value in "smaller is better" form, which every algorithm works in.</summary>
    public double Score(double objective) => Type == ObjectiveType.Minimize ? objective : -objective;

    /// <summary>Whether <paramref name="objective"/> reaches the goal (Katib: at or beyond it).</summary>
    public bool Reaches(double objective) =>
        Goal is { } goal && (Type == ObjectiveType.Minimize ? objective <= goal : objective >= goal);

    /// <summary>The strategy of a metric: as set, else the objective's direction (Katib's default).</summary>
    public MetricStrategy StrategyOf(string metric) =>
        Strategies.TryGetValue(metric, out var strategy) ? strategy
        : Type == ObjectiveType.Minimize ? MetricStrategy.Min : MetricStrategy.Max;
}
