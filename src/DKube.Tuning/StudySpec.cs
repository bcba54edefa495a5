namespace DKube.Tuning;

/// <summary>
/// A Katib <c>Experiment</c>'s spec as this server honours it (see README, Hyperparameter studies).
/// <see cref="Command"/> and <see cref="Image"/> come from the trial template's primary container
/// when it has one; the run's own command is used otherwise.
/// </summary>
public sealed record StudySpec(
    ObjectiveSpec Objective,
    AlgorithmSpec Algorithm,
    int ParallelTrialCount,
    int MaxTrialCount,
    int MaxFailedTrialCount,
    IReadOnlyList<ParameterSpec> Parameters,
    AlgorithmSpec? EarlyStopping,
    MetricsCollectorSpec MetricsCollector,
    IReadOnlyList<TrialParameterSpec> TrialParameters,
    IReadOnlyList<string>? Command,
    string? Image,
    int? Seed)
{
    /// <summary>
    /// The command of one trial: the trial template's container command (its <c>command</c> and
    /// <c>args</c>, each item substituted, then joined for <c>sh -c</c>) or, when the run gives one,
    /// <paramref name="runCommand"/> with its placeholders substituted.
    /// </summary>
    public string CommandFor(string? runCommand, IReadOnlyDictionary<string, string> values) =>
        !string.IsNullOrWhiteSpace(runCommand) ? Substitute(runCommand, values)
        : string.Join(' ', (Command ?? []).Select(item => ShellQuote(Substitute(item, values))));

    private static string ShellQuote(string item) =>
        item.Length > 0 && item.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))
            ? item
            : "'" + item.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>
    /// <paramref name="template"/> with every <c>${trialParameters.x}</c> replaced by the value of
    /// the parameter x refers to (and, beyond Katib, <c>${parameters.name}</c> by a parameter itself).
    /// </summary>
    public string Substitute(string template, IReadOnlyDictionary<string, string> values)
    {
        foreach (var trialParameter in TrialParameters)
        {
            if (values.TryGetValue(trialParameter.Reference, out var value))
            {
                template = template.Replace("${trialParameters." + trialParameter.Name + "}", value, StringComparison.Ordinal);
            }
        }

        foreach (var (name, value) in values)
        {
            template = template.Replace("${parameters." + name + "}", value, StringComparison.Ordinal);
        }

        return template;
    }
}
