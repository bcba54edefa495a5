namespace DKube.Monitoring;

/// <summary>
/// One feature's drift: the method used, its statistic (the test statistic or the distance), the
/// p-value for tests, the score compared with the threshold (the p-value for tests, the distance
/// otherwise) and the verdict (p &lt; threshold for tests, distance &gt; threshold otherwise).
/// </summary>
public sealed record DriftScore(DriftMethod Method, double Statistic, double? PValue, double Score, double Threshold, bool Drifted);
