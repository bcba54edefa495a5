namespace DKube.Monitoring;

/// <summary>Classification performance over one window; <see cref="RocAuc"/> is null without scores or with one class only.</summary>
public sealed record ClassificationReport(int Rows, double Accuracy, double Precision, double Recall, double F1, Averaging Averaging, string? PositiveLabel, double? RocAuc);
