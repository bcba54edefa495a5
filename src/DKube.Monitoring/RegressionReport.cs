namespace DKube.Monitoring;

/// <summary>Regression performance over one window.</summary>
public sealed record RegressionReport(int Rows, double Rmse, double Mae, double R2);
