namespace DKube.Executors;

/// <summary>The variables every backend gives work about whose it is: its run id, user and group.</summary>
internal static class DKubeIdentityVariables
{
    /// <summary>
    /// Sets them over whatever <paramref name="environment"/> holds; every backend calls this after
    /// the spec's variables are in, so a caller cannot make work pose as another run or user.
    /// </summary>
    public static void Apply(IDictionary<string, string> environment, ExecutionSpec spec)
    {
        environment["DKUBE_RUN_ID"] = spec.Id;
        environment["DKUBE_USER"] = spec.User;
        environment["DKUBE_GROUP"] = spec.Group;
    }
}
