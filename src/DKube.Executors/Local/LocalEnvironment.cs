using System.Globalization;

namespace DKube.Executors.Local;

/// <summary>
/// Builds a run's environment: a few inherited server variables, the caller's, then DKube's own
/// (which win). Without <c>withSpec</c> the caller's are left out: that is what the parts the
/// server runs on the run's behalf (setsid, the wrapper, setpriv) get, so a caller's variable
/// (a hyperparameter named LD_PRELOAD) never reaches a process with the server's privileges.
/// </summary>
internal static class LocalEnvironment
{
    public static Dictionary<string, string> Build(
        ExecutionSpec spec,
        LocalRunPaths paths,
        LocalExecutorOptions options,
        bool hasHyperparameters,
        bool ownAccount,
        bool withSpec = true,
        int? port = null)
    {
        var env = ChildEnvironment.From(options.InheritedEnvironment);

        if (withSpec)
        {
            foreach (var (name, value) in spec.Environment)
                env[name] = value;
        }

        // Set after the caller's, which they override: a caller cannot pick another GPU set or folder.
        env["DKUBE_WORK_DIR"] = paths.WorkDir;
        // A TensorBoard reads the folder of the run it serves (same user, so same account), not its own.
        env["DKUBE_TENSORBOARD_DIR"] = spec.TensorBoardOf is { } served ? new LocalRunPaths(Path.GetDirectoryName(paths.WorkDir)!, served).TensorBoardDir : paths.TensorBoardDir;
        env["DKUBE_METRICS_FILE"] = paths.MetricsFile;
        env["DKUBE_SHELL"] = options.ShellPath;
        // The server's home is not the run's (it could not write there anyway): its folder is.
        if (ownAccount)
            env["HOME"] = paths.WorkDir;
        env["CUDA_VISIBLE_DEVICES"] = spec.Placement.Count == 0
            ? string.Empty
            : string.Join(',', spec.Placement[0].GpuIndices.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        // A distributed run on the local machine is one process, the master: it learns of its
        // workers' nodes and GPUs here and launches them itself (e.g. torchrun), as its launcher would.
        env["DKUBE_NUM_WORKERS"] = spec.WorkerCount.ToString(CultureInfo.InvariantCulture);
        env["DKUBE_WORKER_PLACEMENT"] = string.Join(';', spec.Placement.Select(w =>
            $"{w.Node}:{string.Join(',', w.GpuIndices.Select(i => i.ToString(CultureInfo.InvariantCulture)))}"));
        // What the run may use, for the code to size itself by (thread pools, batch sizes); the
        // wrapper enforces the memory as RLIMIT_DATA. The caller's OMP_NUM_THREADS, if any, stays.
        env["DKUBE_CPUS"] = spec.CpusPerWorker.ToString(CultureInfo.InvariantCulture);
        env.TryAdd("OMP_NUM_THREADS", Math.Max(1, (int)Math.Ceiling(spec.CpusPerWorker)).ToString(CultureInfo.InvariantCulture));
        env["DKUBE_MEMORY_GIB"] = spec.MemoryGiBPerWorker.ToString(CultureInfo.InvariantCulture);
        if (spec.MemoryGiBPerWorker > 0)
            env["DKUBE_MEMORY_LIMIT_KIB"] = (spec.MemoryGiBPerWorker * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
        else
            env.Remove("DKUBE_MEMORY_LIMIT_KIB");
        if (hasHyperparameters)
            env["DKUBE_HYPERPARAMETERS_FILE"] = paths.HyperparametersFile;
        else
            env.Remove("DKUBE_HYPERPARAMETERS_FILE");
        if (port is { } given)
            HttpEndpoint.Apply(env, given, "127.0.0.1");
        DKubeIdentityVariables.Apply(env, spec);

        return env;
    }

    /// <summary>
    /// The environment as a file the run's own shell sources (<c>export NAME='value'</c>, single
    /// quotes escaped), so the values cross from the server to the run without passing through
    /// a privileged process's environment or a command line others can read.
    /// </summary>
    public static string AsShellScript(IReadOnlyDictionary<string, string> environment)
    {
        var script = new System.Text.StringBuilder();
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            script.Append("export ").Append(name).Append("='").Append(value.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        return script.ToString();
    }

    /// <summary>Whether a shell can export the name (the only names a run with its own account can be given).</summary>
    public static bool IsShellName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
