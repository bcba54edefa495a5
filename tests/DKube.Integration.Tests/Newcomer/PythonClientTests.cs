using System.Diagnostics;
using System.Text.Json;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Newcomer;

/// <summary>
/// The Python client (clients/python, standard library only) in CI: its own unit tests, and a
/// notebook-style script driving a real server through it, whose training run logs metrics with
/// <c>dkube.log_metrics</c> and which deploys a scikit-learn model and predicts through the gateway.
/// </summary>
public sealed class PythonClientTests(LabFixture lab) : IClassFixture<LabFixture>
{
    private static readonly TimeSpan ScriptBudget = TimeSpan.FromMinutes(6);

    private static string ClientFolder => Path.Combine(ServerProcess.RepositoryRoot, "clients", "python");

    [Fact]
    public async Task The_clients_own_unit_tests_pass()
    {
        var (code, output) = await RunPythonAsync(new Dictionary<string, string>(), "-m", "unittest", "discover", "-v", "-s", Path.Combine(ClientFolder, "tests"), "-t", ClientFolder);
        Assert.True(code == 0, output);
        Assert.Contains("OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notebook_script_uploads_trains_logs_metrics_and_reads_everything_back_through_the_client()
    {
        using var tenant = await lab.NewTenantAsync();
        var (code, output) = await RunPythonAsync(
            new Dictionary<string, string> { ["DKUBE_URL"] = lab.Server.Server.Url.ToString(), ["DKUBE_TOKEN"] = tenant.Client.Token! },
            Path.Combine(ClientFolder, "examples", "notebook.py"));
        Assert.True(code == 0, output);
        var summary = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.True(summary.GetProperty("ok").GetBoolean());
        Assert.Equal(tenant.User, summary.GetProperty("user").GetString());

        // The deployment it made answered through the gateway, then was stopped by the script.
        var deployment = await tenant.Client.Get($"deployments/{summary.GetProperty("deployment").GetString()}");
        Assert.Equal("Stopped", deployment["status"]);

        // What the run logged through dkube.log_metrics is what the server serves.
        var metrics = (await tenant.Client.Get($"runs/{summary.GetProperty("run").GetString()}/metrics")).Items;
        Assert.Equal(3, metrics.Count);
        Assert.Equal(0.8, metrics[2]!["accuracy"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_run_reaches_the_api_as_its_owner_with_a_token_of_its_own_that_ends_with_the_run()
    {
        using var tenant = await lab.NewTenantAsync();
        const string script = "import dkube, os; c = dkube.Client(); print('ME', c.me()['name']); "
            + "print('SELF', next(r['status'] for r in c.runs.list() if r['name'] == 'self')); print('TOKEN', os.environ['DKUBE_TOKEN'])";
        var id = (await tenant.Submit("self", 0, $"PYTHONPATH={ClientFolder} python3 -c \"{script}\"")).Expect(System.Net.HttpStatusCode.Created)["id"];
        var done = await Eventually.Until(() => tenant.Client.Get($"runs/{id}"), r => r["status"] is "Complete" or "Failed" or "Error");
        var log = (await tenant.Client.Get($"runs/{id}/logs")).Text;
        Assert.True(done["status"] == "Complete", done.Text + log);
        Assert.Contains($"ME {tenant.User}", log, StringComparison.Ordinal);
        Assert.Matches("SELF (Starting|Running)", log);
        var token = log.Split('\n').Single(l => l.StartsWith("TOKEN ", StringComparison.Ordinal))["TOKEN ".Length..];
        Assert.StartsWith("dkw_", token, StringComparison.Ordinal);
        Assert.NotEqual(tenant.Client.Token, token);

        // The run has ended: its token is refused like an unknown one; an altered one never worked.
        using var ended = tenant.Client.As(token);
        (await ended.Get("me")).ExpectProblem(System.Net.HttpStatusCode.Unauthorized);
        using var forged = tenant.Client.As(token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA"));
        (await forged.Get("me")).ExpectProblem(System.Net.HttpStatusCode.Unauthorized);
    }

    /// <summary>Runs the python3 on PATH (any Python 3: the client needs only the standard library).</summary>
    private static async Task<(int Code, string Output)> RunPythonAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ClientFolder };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PYTHONPATH"] = ClientFolder;
        info.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(ScriptBudget);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', arguments)} ran longer than {ScriptBudget}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
