namespace DKube.Executors;

/// <summary>
/// The environment of a process the server starts for someone else (a run, git, ssh) is built
/// from scratch: only these harmless variables are copied from the server's, never its
/// connection strings, keys or tokens (DKUBE_POSTGRES, DKUBE_SECRETS_KEY, DKUBE_OPERATOR_TOKEN, ASPNETCORE_*).
/// </summary>
public static class ChildEnvironment
{
    public static readonly IReadOnlyList<string> DefaultInherited = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"];

    /// <summary>A new environment holding only the named variables the server has.</summary>
    public static Dictionary<string, string> From(IEnumerable<string> inherited)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in inherited)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
                environment[name] = value;
        }

        return environment;
    }

    /// <summary>Empties a start info's environment (which .NET fills with the server's) and sets <paramref name="environment"/>.</summary>
    public static void Replace(IDictionary<string, string?> target, IReadOnlyDictionary<string, string> environment)
    {
        target.Clear();
        foreach (var (name, value) in environment)
            target[name] = value;
    }
}
