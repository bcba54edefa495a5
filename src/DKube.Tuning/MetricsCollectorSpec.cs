namespace DKube.Tuning;

/// <summary>
/// Katib's <c>metricsCollectorSpec</c>: <c>StdOut</c> (the default) or <c>File</c>, with the regular
/// expressions that find <c>name</c> / <c>value</c> pairs in a line (Katib's default when none is set).
/// </summary>
public sealed record MetricsCollectorSpec(string Kind, string? Path, IReadOnlyList<string> Formats)
{
    /// <summary>Katib's default StdOut/File filter: <c>name=value</c>.</summary>
    public const string DefaultFormat = @"([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)";

    public static MetricsCollectorSpec Default { get; } = new("StdOut", null, [DefaultFormat]);
}
