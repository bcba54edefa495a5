namespace DKube.Monitoring;

/// <summary>
/// Columns named by the user when inferring a schema (each must exist), overriding the roles guessed
/// from names; <see cref="MaxCategoricalDistinct"/> is the distinct count up to which a numeric
/// column is taken as categorical.
/// </summary>
public sealed record SchemaHints(
    string? Id = null,
    string? Timestamp = null,
    string? Label = null,
    string? Prediction = null,
    int MaxCategoricalDistinct = DriftDetector.MaxCategoricalDistinct);
