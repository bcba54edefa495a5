using System.Globalization;
using DKube.Executors.Slurm.Rest;

namespace DKube.Executors.Slurm;

/// <summary>Turns an <see cref="ExecutionSpec"/> into a slurmrestd job submission.</summary>
internal static class SlurmJobRequestBuilder
{
    // The command travels in the environment and the script only execs it, so no quoting of
    // the user's command can break the script, and "#SBATCH" lines in it mean nothing.
    private const string CommandVariable = "DKUBE_COMMAND";
    private const string Script = "#!/bin/sh\nexec /bin/sh -c \"$" + CommandVariable + "\"\n";

    public static SlurmJobSubmitDto Build(ExecutionSpec spec, SlurmOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Command);
        if (spec.GpusPerWorker < 0 || spec.Workers < 0)
        {
            throw new ArgumentException("GPUs per worker and workers cannot be negative.", nameof(spec));
        }

        SlurmRunFolder.Validate(spec, options.SharedPath);
        var extras = ReadExtras(spec.BackendOptions);
        var nodes = spec.WorkerCount;
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal)
        {
            [CommandVariable] = spec.Command,
        };
        environment.TryAdd("PATH", options.DefaultPath);
        var folder = FolderOf(options, spec.Id);
        folder?.Describe(environment, spec);
        DKubeIdentityVariables.Apply(environment, spec);

        return new SlurmJobSubmitDto
        {
            Script = Script,
            Job = new SlurmJobDescriptionDto
            {
                // The name is how Submit (idempotency) and Reconcile find the job again.
                Name = spec.Id,
                Comment = $"dkube run={spec.Id} user={spec.User} group={spec.Group}",
                Nodes = [nodes, nodes],
                Tasks = nodes,
                TasksPerNode = 1,
                CpusPerTask = spec.CpusPerWorker > 0 ? (int)Math.Ceiling(spec.CpusPerWorker) : null,
                MemoryPerNode = spec.MemoryGiBPerWorker > 0 ? spec.MemoryGiBPerWorker * 1024L : null,
                Gres = spec.GpusPerWorker > 0 ? "gpu:" + spec.GpusPerWorker.ToString(CultureInfo.InvariantCulture) : null,
                Partition = Option(spec.BackendOptions, SlurmBackendOptions.Partition) ?? options.DefaultPartition,
                Account = Option(spec.BackendOptions, SlurmBackendOptions.Account),
                Qos = Option(spec.BackendOptions, SlurmBackendOptions.Qos),
                TimeLimit = spec.TimeLimit is { } limit ? Math.Max(1, (int)Math.Ceiling(limit.TotalMinutes)) : null,
                Constraints = extras.Constraint,
                Reservation = extras.Reservation,
                Nice = extras.Nice,
                Wckey = extras.Wckey,
                Requeue = extras.Requeue,
                CurrentWorkingDirectory = folder?.WorkDir ?? options.OutputDirectory,
                StandardOutput = OutputPath(options, spec.Id),
                Environment = environment,
            },
        };
    }

    /// <summary>The job's folder under the cluster's shared folder; null when the cluster declares none.</summary>
    public static SlurmRunFolder? FolderOf(SlurmOptions options, string id) =>
        options.SharedPath is { } shared ? new SlurmRunFolder(shared, id) : null;

    /// <summary>Where the job's stdout and stderr go (Slurm merges stderr when none is given).</summary>
    public static string OutputPath(SlurmOptions options, string id) =>
        Path.Combine(options.OutputDirectory, SafeFileName(id) + ".out");

    private static string SafeFileName(string id) =>
        string.Concat(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static string? Option(IReadOnlyDictionary<string, string> options, string key) =>
        options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Extras ReadExtras(IReadOnlyDictionary<string, string> options)
    {
        foreach (var key in options.Keys)
        {
            if (key.StartsWith(SlurmBackendOptions.ExtraPrefix, StringComparison.Ordinal)
                && !SlurmBackendOptions.AllowedExtras.Contains(key))
            {
                throw new ArgumentException(
                    $"Backend option '{key}' is not supported by the Slurm executor; allowed: {string.Join(", ", SlurmBackendOptions.AllowedExtras)}.",
                    nameof(options));
            }
        }

        int? nice = null;
        if (Option(options, SlurmBackendOptions.Nice) is { } niceText)
        {
            nice = int.TryParse(niceText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new ArgumentException($"'{SlurmBackendOptions.Nice}' must be an integer.", nameof(options));
        }

        var requeue = false;
        if (Option(options, SlurmBackendOptions.Requeue) is { } requeueText && !bool.TryParse(requeueText, out requeue))
        {
            throw new ArgumentException($"'{SlurmBackendOptions.Requeue}' must be true or false.", nameof(options));
        }

        return new Extras(
            Option(options, SlurmBackendOptions.Constraint),
            Option(options, SlurmBackendOptions.Reservation),
            nice,
            Option(options, SlurmBackendOptions.Wckey),
            requeue);
    }

    private sealed record Extras(string? Constraint, string? Reservation, int? Nice, string? Wckey, bool Requeue);
}
