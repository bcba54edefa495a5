using System.Globalization;

namespace DKube.Tuning;

/// <summary>
/// Katib's <c>medianstop</c> early stopping: once at least <c>min_trials_required</c> trials
/// completed (default 3), a running trial that reported <c>start_step</c> (default 4) or more
/// intermediate values is stopped when its best value so far is worse than the median of the
/// completed trials' running averages over the same number of steps. Values are scores
/// (smaller is better).
/// </summary>
public sealed class MedianStop(IReadOnlyDictionary<string, string> settings)
{
    public int MinTrialsRequired { get; } = int.Parse(settings.GetValueOrDefault("min_trials_required", "3"), CultureInfo.InvariantCulture);

    public int StartStep { get; } = int.Parse(settings.GetValueOrDefault("start_step", "4"), CultureInfo.InvariantCulture);

    public bool ShouldStop(IReadOnlyList<double> running, IReadOnlyList<IReadOnlyList<double>> completed)
    {
        var step = running.Count;
        var finished = completed.Where(c => c.Count > 0).ToList();
        if (step < StartStep || finished.Count < MinTrialsRequired)
        {
            return false;
        }

        var averages = finished.Select(c => c.Take(step).Average()).OrderBy(v => v).ToList();
        var median = averages.Count % 2 == 1
            ? averages[averages.Count / 2]
            : (averages[(averages.Count / 2) - 1] + averages[averages.Count / 2]) / 2;
        return running.Min() > median;
    }
}
