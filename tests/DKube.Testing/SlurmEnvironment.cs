using System.Diagnostics;
using DKube.Executors.Slurm;

namespace DKube.Testing;

/// <summary>
/// The real one-node Slurm of deploy/slurm: its settings come from the env file slurm-up.sh
/// writes (DKUBE_SLURM_ENV, default /tmp/dkube-slurm/env.sh); when that file is missing or its
/// slurmrestd does not answer, slurm-up.sh (idempotent, needs root) is run first. Also submits
/// and cancels jobs straight through sbatch/scancel, i.e. from outside DKube. Shared by the
/// executor's tests (<see cref="ExecutorOptions"/>) and the HTTP tests that register it as a cluster.
/// </summary>
public sealed class SlurmEnvironment
{
    public const string DefaultEnvFile = "/tmp/dkube-slurm/env.sh";

    private readonly IReadOnlyDictionary<string, string> _values;

    private SlurmEnvironment(IReadOnlyDictionary<string, string> values) => _values = values;

    public string Endpoint => Get("SLURMRESTD_URL");

    public string ApiVersion => _values.GetValueOrDefault("DKUBE_SLURM_API_VERSION", "v0.0.38");

    public string User => Get("DKUBE_SLURM_USER");

    public string Token => Get("DKUBE_SLURM_JWT");

    public string JobsDirectory => Get("DKUBE_SLURM_JOBS_DIR");

    public string? JobCompLog => _values.GetValueOrDefault("DKUBE_SLURM_JOBCOMP_LOG");

    public string? Partition => _values.GetValueOrDefault("DKUBE_SLURM_PARTITION");

    private static string EnvFile => Environment.GetEnvironmentVariable("DKUBE_SLURM_ENV") is { Length: > 0 } configured ? configured : DefaultEnvFile;

    /// <summary>The Slurm the env file describes, or null when there is none (nothing is started: the benchmark's choice).</summary>
    public static SlurmEnvironment? Read() => File.Exists(EnvFile) ? new SlurmEnvironment(Parse(EnvFile)) : null;

    /// <summary>The Slurm the env file describes, started first with slurm-up.sh when it is missing or does not answer (the tests' choice).</summary>
    public static async Task<SlurmEnvironment> LoadAsync()
    {
        var envFile = EnvFile;
        if (!File.Exists(envFile) || !await new SlurmEnvironment(Parse(envFile)).AnswersAsync())
        {
            await RunAsync("bash", [Path.Combine(RepositoryRoot(), "deploy", "slurm", "slurm-up.sh"), Path.GetDirectoryName(envFile)!],
                TimeSpan.FromMinutes(5), environment: null);
        }

        return new SlurmEnvironment(Parse(envFile));
    }

    /// <summary>
    /// The executor's options for this Slurm, polling faster than the defaults so that the suite
    /// stays short; the behaviour is the same.
    /// </summary>
    public SlurmOptions ExecutorOptions() => new()
    {
        BaseUrl = new Uri(Endpoint),
        ApiVersion = ApiVersion,
        UserName = User,
        Token = Token,
        OutputDirectory = JobsDirectory,
        JobCompLogPath = JobCompLog,
        StatusPollInterval = TimeSpan.FromMilliseconds(250),
        LogPollInterval = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>sbatch from outside DKube; returns the job id. Limited to 15 minutes, so a test killed before its scancel never holds GPUs for good.</summary>
    public async Task<string> SbatchAsync(string name, string gres, string command) =>
        (await RunAsync("sbatch", ["--parsable", "-J", name, $"--gres={gres}", "--time=15", "-o", "/dev/null", "--wrap", command],
            TimeSpan.FromSeconds(30), CliEnvironment())).Trim();

    public Task ScancelAsync(string name) => RunAsync("scancel", ["-n", name], TimeSpan.FromSeconds(30), CliEnvironment());

    /// <summary>The squeue states (RUNNING, PENDING, ...) of the jobs named <paramref name="name"/>.</summary>
    public async Task<IReadOnlyList<string>> StatesAsync(string name) =>
        (await RunAsync("squeue", ["-h", "-n", name, "-o", "%T"], TimeSpan.FromSeconds(30), CliEnvironment()))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The nodes (squeue's %N) the jobs named <paramref name="name"/> run on.</summary>
    public async Task<IReadOnlyList<string>> NodesAsync(string name) =>
        (await RunAsync("squeue", ["-h", "-n", name, "-o", "%N"], TimeSpan.FromSeconds(30), CliEnvironment()))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The names of the jobs in the queue that start with <paramref name="prefix"/> (a test's own, to cancel what it leaves).</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(string prefix) =>
        (await RunAsync("squeue", ["-h", "-o", "%j"], TimeSpan.FromSeconds(30), CliEnvironment()))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Distinct().ToList();

    // The CLI must find this Slurm's config; the JWT stays out of it (the CLI would then act as that user).
    private Dictionary<string, string> CliEnvironment() =>
        _values.TryGetValue("SLURM_CONF", out var conf) ? new() { ["SLURM_CONF"] = conf } : [];

    private string Get(string key) => _values.TryGetValue(key, out var value) ? value : throw new InvalidOperationException($"{key} is missing from the Slurm env file.");

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Endpoint.TrimEnd('/')}/slurm/{ApiVersion}/nodes");
            request.Headers.Add("X-SLURM-USER-NAME", User);
            request.Headers.Add("X-SLURM-USER-TOKEN", Token);
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"nodes\"", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> Parse(string envFile)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(envFile))
        {
            var line = raw.Trim();
            line = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            // Values carry no spaces; a trailing " # ..." is a comment.
            var comment = line.IndexOf(" #", StringComparison.Ordinal);
            line = (comment >= 0 ? line[..comment] : line).Trim();
            if (line.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq)
            {
                values[line[..eq]] = line[(eq + 1)..].Trim('"', '\'');
            }
        }

        return values;
    }

    private static async Task<string> RunAsync(string file, string[] arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stdout}{await stderr}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DKube.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (DKube.Orleans.sln) not found.");
    }
}
