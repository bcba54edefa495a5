namespace DKube.Monitoring;

/// <summary>
/// Regression metrics as scikit-learn 1.2 computes them: root mean squared error, mean absolute
/// error and R² (1 when the truth is constant and predicted exactly, 0 when constant and not:
/// force_finite).
/// </summary>
public static class RegressionMetrics
{
    /// <summary>RMSE, MAE and R² of the predictions.</summary>
    public static RegressionReport Evaluate(ReadOnlySpan<double> truth, ReadOnlySpan<double> predicted)
    {
        if (truth.Length != predicted.Length)
        {
            throw new ArgumentException($"Truth and predictions differ in length ({truth.Length} and {predicted.Length}).");
        }

        if (truth.IsEmpty)
        {
            throw new ArgumentException("Metrics need at least one row.");
        }

        double squares = 0, absolute = 0, mean = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            var error = truth[i] - predicted[i];
            squares += error * error;
            absolute += Math.Abs(error);
            mean += truth[i];
        }

        mean /= truth.Length;
        var total = 0.0;
        foreach (var t in truth)
        {
            total += (t - mean) * (t - mean);
        }

        var r2 = total != 0 ? 1 - (squares / total) : squares == 0 ? 1.0 : 0.0;
        return new RegressionReport(truth.Length, Math.Sqrt(squares / truth.Length), absolute / truth.Length, r2);
    }
}
