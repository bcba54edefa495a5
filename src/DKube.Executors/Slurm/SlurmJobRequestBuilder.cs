using System.Globalization;
using DKube.Executors.Slurm.Rest;

namespace DKube.Executors.Slurm;

/// <summary>Turns an <see cref="ExecutionSpec"/> into a slurmrestd job submission.</summary>
internal static class SlurmJobRequestBuilder
{
    // The command travels in the environment and the script only execs it, so no quoting of
    // the user's command can break the script, and "#SBATCH" lines in it mean nothing.
    private const string CommandVariable = "DKUBE_COMMAND";
    private const string PortTag = "port=";

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
        if (spec.TensorBoardOf is not null)
        {
            throw new ArgumentException("TensorBoard is served on local clusters only for now.", nameof(spec));
        }

        var extras = ReadExtras(spec.BackendOptions);
        var nodes = spec.WorkerCount;
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal)
        {
            [CommandVariable] = spec.Command,
        };
        environment.TryAdd("PATH", options.DefaultPath);
        var folder = FolderOf(options, spec.Id);
        folder?.Describe(environment, spec);
        // A port free on the silo's machine (the node's own ports are out of its sight: right for a
        // one-node cluster, likely elsewhere); it is kept in the comment, where a reconcile finds it again.
        int? port = spec.ServesHttp ? HttpEndpoint.FreeLoopbackPort() : null;
        if (port is { } served)
        {
            HttpEndpoint.Apply(environment, served, "0.0.0.0");
        }

        DKubeIdentityVariables.Apply(environment, spec);

        return new SlurmJobSubmitDto
        {
            Script = Script,
            Job = new SlurmJobDescriptionDto
            {
                // The name is how Submit (idempotency) and Reconcile find the job again.
                Name = spec.Id,
                Comment = $"dkube run={spec.Id} user={spec.User} group={spec.Group}" + (port is { } p ? $" {PortTag}{p.ToString(CultureInfo.InvariantCulture)}" : ""),
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

    /// <summary>
    /// <c>http://node:port</c> of a job that serves HTTP (its comment names the port) once it runs on
    /// a node: the first node of its list (the master); null for other jobs.
    /// </summary>
    public static string? EndpointOf(SlurmJobDto job)
    {
        var comment = Text(job.Comment);
        var at = comment?.LastIndexOf(" " + PortTag, StringComparison.Ordinal) ?? -1;
        if (at < 0 || !int.TryParse(comment.AsSpan(at + 1 + PortTag.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || Text(job.Nodes) is not { Length: > 0 } nodes)
        {
            return null;
        }

        // node[1-2],other -> node1: the first name of a hostlist expression.
        var first = nodes.Split(',')[0];
        var bracket = first.IndexOf('[', StringComparison.Ordinal);
        var host = bracket < 0 ? first : first[..bracket] + first[(bracket + 1)..].Split('-', ',', ']')[0];
        return HttpEndpoint.Url(host, port);
    }

    private static string? Text(System.Text.Json.JsonElement? value) => value switch
    {
        { ValueKind: System.Text.Json.JsonValueKind.String } text => text.GetString(),
        { ValueKind: System.Text.Json.JsonValueKind.Object } owner when owner.TryGetProperty("job", out var job) && job.ValueKind == System.Text.Json.JsonValueKind.String => job.GetString(),
        _ => null,
    };

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
