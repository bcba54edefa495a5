using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using DKube.Benchmarks;
using DKube.Benchmarks.Slurm;
using DKube.Server;
using DKube.Testing;

// Issue 4 "Done when": the same job mix (N one-GPU runs of `true` on 8 GPUs) through DKube.Orleans
// on the local executor and straight through the same Slurm (slurmrestd), end to end: from the
// first submission until every job has ended. Bonus: the mix through DKube onto that Slurm.
// Usage: dotnet run -c Release --project benchmarks/DKube.Benchmarks.Slurm [jobs=200] [concurrency=16] [onto-slurm=yes|no]
// Slurm is read from DKUBE_SLURM_ENV (default /tmp/dkube-slurm/env.sh; deploy/slurm/slurm-up.sh writes it).
var jobs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
// "no" leaves out DKube onto Slurm, the slowest phase, when only the local ratio is wanted.
var ontoSlurm = args.Length <= 2 || args[2] != "no";
const int Gpus = 8;

var dataDir = Directory.CreateTempSubdirectory("dkube-bench-slurm-").FullName;
await using var server = await DKubeServer.StartAsync(
    ["--urls=http://127.0.0.1:0", $"--DATA_DIR={dataDir}", "--Logging:LogLevel:Default=Warning",
     $"--SILO_PORT={FreePort()}", $"--GATEWAY_PORT={FreePort()}",
     // One user at the machine's limit is what the per-caller rate limits refuse: this measures capacity, so they are lifted.
     "--RATE_READS_PER_SECOND=1000000", "--RATE_WRITES_PER_SECOND=1000000"], TextWriter.Null);
using var op = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };
op.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.OperatorToken);
Console.WriteLine($"Job mix: {jobs} one-GPU runs of `true` on {Gpus} GPUs, {concurrency} submitting at once; {Environment.ProcessorCount} cores");

(await DKubeTenant.PostAsync(op, "clusters", new
{
    name = "bench-local",
    kind = "local",
    nodes = new[] { new { name = "n1", gpus = Gpus, cpus = 16, memoryGiB = 64 } },
})).Dispose();

// Warm-up (JIT, grain activations, database connections) outside the measurement.
using (var warm = await DKubeTenant.CreateAsync(op, server.Url, "bench-warm", "bench-local", Gpus))
{
    await JobMix.RunAsync(Gpus, concurrency, i => warm.SubmitAsync($"w{i}"), async () => Done(await warm.CountEndedAsync(), Gpus));
}

using var local = await DKubeTenant.CreateAsync(op, server.Url, "bench-local", "bench-local", Gpus);
// What a run costs in CPU, whoever spends it: the server (this process), the launcher with the runs it
// reaped (this process's children), and the embedded PostgreSQL (detached from this process by pg_ctl).
var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDir, "postgres", "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
var (serverCpu, treeCpu, postgresCpu) = (Process.GetCurrentProcess().TotalProcessorTime, ProcessTreeCpu.Of(Environment.ProcessId), ProcessTreeCpu.Of(postmaster));
var localTime = await JobMix.RunAsync(jobs, concurrency, i => local.SubmitAsync($"b{i}"), async () => Done(await local.CountEndedAsync(), jobs));
var localRate = Report("DKube.Orleans, local executor", localTime);
serverCpu = Process.GetCurrentProcess().TotalProcessorTime - serverCpu;
treeCpu = ProcessTreeCpu.Of(Environment.ProcessId) - treeCpu;
postgresCpu = ProcessTreeCpu.Of(postmaster) - postgresCpu;
Console.WriteLine($"  CPU per run: {serverCpu.TotalMilliseconds / jobs:F2} ms server (this process) + {(treeCpu - serverCpu).TotalMilliseconds / jobs:F2} ms launcher and runs " +
                  $"+ {postgresCpu.TotalMilliseconds / jobs:F2} ms PostgreSQL; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

if (SlurmEnvironment.Read() is not { } slurm)
{
    Console.WriteLine("No Slurm env file (DKUBE_SLURM_ENV or /tmp/dkube-slurm/env.sh): run deploy/slurm/slurm-up.sh for the Slurm figures.");
    return 0;
}

using var straight = new SlurmStraight(slurm);
var prefix = $"bench{Guid.NewGuid():N}"[..13] + "-";
var slurmTime = await JobMix.RunAsync(jobs, concurrency, i => straight.SubmitAsync(prefix + i), async () => Done(await straight.CountEndedAsync(prefix), jobs));
var slurmRate = Report("Slurm straight (slurmrestd)", slurmTime);

Console.WriteLine($"ratio DKube-local / Slurm straight: {localRate / slurmRate:F2}");
if (!ontoSlurm)
    return 0;

(await DKubeTenant.PostAsync(op, "clusters", new
{
    name = "bench-slurm",
    kind = "slurm",
    endpoint = slurm.Endpoint,
    user = slurm.User,
    token = slurm.Token,
    apiVersion = slurm.ApiVersion,
    outputDirectory = slurm.JobsDirectory,
    jobCompLog = slurm.JobCompLog,
})).Dispose();
using var onSlurm = await DKubeTenant.CreateAsync(op, server.Url, "bench-slurm", "bench-slurm", Gpus);
var onSlurmTime = await JobMix.RunAsync(jobs, concurrency, i => onSlurm.SubmitAsync($"s{i}"), async () => Done(await onSlurm.CountEndedAsync(), jobs));
var onSlurmRate = Report("DKube.Orleans onto Slurm", onSlurmTime);

Console.WriteLine($"ratio DKube-on-Slurm / Slurm straight: {onSlurmRate / slurmRate:F2}");
return 0;

double Report(string what, MixTiming timing)
{
    var rate = jobs / timing.Ended.TotalSeconds;
    Console.WriteLine($"{what,-32} {jobs} jobs in {timing.Ended.TotalSeconds,7:F2} s = {rate,7:F1} jobs/s (all submitted after {timing.Submitted.TotalSeconds:F2} s)");
    return rate;
}

// A failed job would make the rate meaningless: stop rather than report it.
static bool Done((int Ok, int Failed) counts, int expected) =>
    counts.Failed == 0 ? counts.Ok >= expected : throw new InvalidOperationException($"{counts.Failed} jobs did not complete");

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
