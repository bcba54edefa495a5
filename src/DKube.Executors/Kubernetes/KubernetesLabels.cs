using System.Text;
using k8s;
using k8s.Models;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// The labels that tie Kubernetes objects to DKube work. The run label carries the work id, which
/// is how a watch, a reconcile after a restart and a log read find a run's objects again.
/// </summary>
internal static class KubernetesLabels
{
    public const string Run = "dkube.io/run";
    public const string User = "dkube.io/user";
    public const string Group = "dkube.io/group";

    /// <summary><c>run</c>, <c>ide</c> or <c>inference</c>: a server's pod must be told apart from a Job's pods.</summary>
    public const string Kind = "dkube.io/kind";

    public const string RunKind = "run";
    public const string IdeKind = "ide";
    public const string InferenceKind = "inference";

    /// <summary>Set by the Job controller on each pod of an Indexed Job (Kubernetes 1.28+).</summary>
    public const string CompletionIndex = "batch.kubernetes.io/job-completion-index";

    /// <summary>Selects every object of every DKube work in the namespace.</summary>
    public const string AnyWork = Run;

    public static string OfWork(string id) => $"{Run}={id}";

    public static string? RunIdOf(V1ObjectMeta? metadata) =>
        metadata?.Labels is { } labels && labels.TryGetValue(Run, out var id) ? id : null;

    /// <summary>Listed objects by the work they belong to; those without the run label are not DKube's and are left out.</summary>
    public static ILookup<string, T> ByRunId<T>(IEnumerable<T> items)
        where T : IKubernetesObject<V1ObjectMeta> =>
        items.Where(i => RunIdOf(i.Metadata) is not null).ToLookup(i => RunIdOf(i.Metadata)!, StringComparer.Ordinal);

    public static Dictionary<string, string> For(ExecutionSpec spec) => new(StringComparer.Ordinal)
    {
        [Run] = spec.Id,
        [User] = Sanitise(spec.User),
        [Group] = Sanitise(spec.Group),
        [Kind] = spec.Kind switch
        {
            WorkloadKind.Ide => IdeKind,
            WorkloadKind.Inference => InferenceKind,
            _ => RunKind,
        },
    };

    /// <summary>
    /// A label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter
    /// or digit. User names may be e-mail addresses, so other characters become '-'.
    /// </summary>
    public static string Sanitise(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        }

        var result = text.ToString();
        if (result.Length > 63)
        {
            result = result[..63];
        }

        return result.Trim('-', '_', '.');
    }
}
