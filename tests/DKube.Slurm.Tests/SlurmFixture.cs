using System.Diagnostics;
using DKube.Executors;
using DKube.Executors.Slurm;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Slurm.Tests;

/// <summary>
/// The real Slurm the tests run against: read from the env file deploy/slurm/slurm-up.sh writes
/// (DKUBE_SLURM_ENV, default /tmp/dkube-slurm/env.sh), started with that script when missing.
/// </summary>
public sealed class SlurmFixture : IAsyncLifetime
{
    public const string DefaultEnvFile = "/tmp/dkube-slurm/env.sh";

    public SlurmOptions Options { get; private set; } = null!;

    /// <summary>A prefix unique to this test run, so job names never meet jobs of an earlier run.</summary>
    public string RunPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    public string NewId(string what) => $"{RunPrefix}-{what}";

    public SlurmExecutor NewExecutor(RecordingSink sink) =>
        new(Options, sink, TimeProvider.System, NullLogger<SlurmExecutor>.Instance);

    public async Task InitializeAsync()
    {
        var envFile = Environment.GetEnvironmentVariable("DKUBE_SLURM_ENV") is { Length: > 0 } configured
            ? configured
            : DefaultEnvFile;
        if (!File.Exists(envFile) || !await AnswersAsync(Read(envFile)))
        {
            // Missing, or left from a machine whose daemons are gone: (re)start; the script is idempotent.
            await RunSlurmUpAsync(envFile);
        }

        Options = Read(envFile);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static SlurmOptions Read(string envFile)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(envFile))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..];
            }

            var hash = line.IndexOf(" #", StringComparison.Ordinal);
            line = (hash >= 0 ? line[..hash] : line).Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..].Trim('"', '\'');
            }
        }

        string Get(string key) => values.TryGetValue(key, out var v) ? v : throw new InvalidOperationException($"{key} missing in {envFile}");
        return new SlurmOptions
        {
            BaseUrl = new Uri(Get("SLURMRESTD_URL")),
            ApiVersion = values.GetValueOrDefault("DKUBE_SLURM_API_VERSION", "v0.0.38"),
            UserName = Get("DKUBE_SLURM_USER"),
            Token = Get("DKUBE_SLURM_JWT"),
            OutputDirectory = Get("DKUBE_SLURM_JOBS_DIR"),
            JobCompLogPath = values.GetValueOrDefault("DKUBE_SLURM_JOBCOMP_LOG"),
            // Faster than the default so the suite stays short; the behaviour is the same.
            StatusPollInterval = TimeSpan.FromMilliseconds(250),
            LogPollInterval = TimeSpan.FromMilliseconds(100),
        };
    }

    private static async Task<bool> AnswersAsync(SlurmOptions options)
    {
        try
        {
            using var info = new SlurmClusterInfo(options);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return (await info.GetNodesAsync(timeout.Token)).Count > 0;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or SlurmRejectedException)
        {
            return false;
        }
    }

    private static async Task RunSlurmUpAsync(string envFile)
    {
        var script = Path.Combine(RepositoryRoot(), "deploy", "slurm", "slurm-up.sh");
        var start = new ProcessStartInfo("bash", [script, Path.GetDirectoryName(envFile)!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start slurm-up.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(envFile))
        {
            throw new InvalidOperationException(
                $"slurm-up.sh failed ({process.ExitCode}); it needs root.\n{await stdout}\n{await stderr}");
        }
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

        throw new InvalidOperationException("repository root (DKube.Orleans.sln) not found");
    }

    public static ExecutionSpec Spec(string id, string command, int gpus = 0, int workers = 0,
        IReadOnlyDictionary<string, string>? backendOptions = null) =>
        new(
            id,
            WorkloadKind.Run,
            User: "alice",
            Group: "vision",
            Image: null,
            Command: command,
            Environment: new Dictionary<string, string> { ["GREETING"] = "hello" },
            GpusPerWorker: gpus,
            Workers: workers,
            Placement: [],
            CpusPerWorker: 1,
            MemoryGiBPerWorker: 0,
            NodeAffinity: [],
            Mounts: [],
            TimeLimit: TimeSpan.FromMinutes(10),
            BackendOptions: backendOptions ?? new Dictionary<string, string>());
}
