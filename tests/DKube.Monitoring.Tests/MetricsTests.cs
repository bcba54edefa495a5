namespace DKube.Monitoring.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void Thirty_percent_wrong_labels_give_seventy_percent_accuracy()
    {
        var truth = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? "1" : "0").ToArray();
        var predicted = truth.Select((t, i) => i < 30 ? (t == "1" ? "0" : "1") : t).ToArray();
        var report = ClassificationMetrics.Evaluate(truth, predicted);
        Assert.Equal(0.7, report.Accuracy, 12);
        Assert.Equal(Averaging.Binary, report.Averaging);
        Assert.Null(report.RocAuc);
    }

    [Fact]
    public void Multiclass_defaults_to_macro_and_binary_refuses_three_labels()
    {
        string[] truth = ["a", "b", "c", "a"];
        string[] predicted = ["a", "b", "b", "a"];
        Assert.Equal(Averaging.Macro, ClassificationMetrics.Evaluate(truth, predicted).Averaging);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.PrecisionRecallF1(truth, predicted, Averaging.Binary, "a"));
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Accuracy(truth, ["a"]));
    }

    [Fact]
    public void Auc_counts_ties_as_half_and_needs_both_classes()
    {
        // Positive/negative pairs: 0.9>0.5, 0.9>0.1, 0.5=0.5 (a half), 0.5>0.1: 3.5 of 4.
        Assert.Equal(0.875, ClassificationMetrics.RocAuc([true, false, true, false], [0.9, 0.5, 0.5, 0.1]), 12);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc([true, true], [0.1, 0.2]));
    }
}
