namespace DKube.WebUi.Services;

/// <summary>A point of a chart; <see cref="State"/> (a monitor's ok / warning / critical) colours it when given.</summary>
public sealed record ChartPoint(double X, double Y, string? State);
