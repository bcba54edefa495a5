namespace DKube.Api.Contracts;

/// <summary>One condition: a <c>feature</c> (drift) or a <c>metric</c>, an <c>op</c> (&gt;, &lt;, &gt;=, &lt;=) and a <c>value</c>.</summary>
public sealed record MonitorConditionRequest(string? Feature, string? Metric, string? Op, double? Value);
