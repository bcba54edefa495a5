namespace DKube.Monitoring;

/// <summary>
/// The method and threshold for every compared feature, with per-feature overrides (by column name).
/// A threshold left null is the method's default (0.05 for p-values, 0.1 for distances).
/// </summary>
public sealed record DriftSettings(
    DriftMethod Method = DriftMethod.Auto,
    double? Threshold = null,
    IReadOnlyDictionary<string, DriftMethod>? Methods = null,
    IReadOnlyDictionary<string, double>? Thresholds = null);
