using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Newcomer;

/// <summary>
/// What a newcomer meets, with the real executable: README's `dotnet run --project src/DKube.Server`
/// typed in a fresh folder, with nothing configured, keeps its data in that folder's `.dkube`, and
/// the console is short and says what to do next; `DKUBE_LOG_FORMAT=json` makes every line JSON.
/// </summary>
public sealed class FirstRunTests
{
    /// <summary>More lines than this before the banner is the wall of framework output the console used to be.</summary>
    private const int MaxLinesUntilReady = 15;

    private static readonly TimeSpan StartBudget = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Dotnet_run_keeps_data_in_the_folder_it_was_typed_in_and_the_console_is_short()
    {
        var folder = Directory.CreateTempSubdirectory("dkube-newcomer-").FullName;
        var port = FreePorts.Next();
        var info = NewStartInfo("dotnet", folder);
        foreach (var argument in new[]
                 {
                     "run", "--project", Path.Combine(ServerProcess.RepositoryRoot, "src", "DKube.Server"), "--no-build", "-c", ServerProcess.Configuration,
                     "--", $"--urls=http://127.0.0.1:{port}", $"--SILO_PORT={FreePorts.Next()}", $"--GATEWAY_PORT={FreePorts.Next()}",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        var server = ServerProcess.Launch(info, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await Eventually.TrueAsync(() => server.Output.Contains("is ready at", StringComparison.Ordinal), "the ready banner", StartBudget);
            var output = server.Output;
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var untilReady = lines.TakeWhile(l => !l.Contains("stop ", StringComparison.Ordinal)).Count() + 1;
            Assert.True(untilReady <= MaxLinesUntilReady, $"{untilReady} lines before the server was ready:\n{output}");
            Assert.DoesNotContain("SiloOptionsLogger", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Polly", output, StringComparison.Ordinal);

            // The data folder is .dkube where `dotnet run` was typed, and the banner's next command works as printed.
            var tokenFile = Path.Combine(folder, ".dkube", "operator-token");
            Assert.True(File.Exists(tokenFile), output);
            var token = (await File.ReadAllTextAsync(tokenFile)).Trim();
            Assert.Contains($"Operator token (shown once, kept in .dkube/operator-token): {token}", output, StringComparison.Ordinal);
            Assert.Contains($"data folder     {Path.Combine(folder, ".dkube")}", output, StringComparison.Ordinal);
            Assert.Contains($"API reference   {server.Url.ToString().TrimEnd('/')}/scalar", output, StringComparison.Ordinal);
            Assert.Contains($"curl -H \"Authorization: Bearer $(cat .dkube/operator-token)\" {server.Url.ToString().TrimEnd('/')}/api/v1/me", output, StringComparison.Ordinal);
            var next = await RunShellAsync(folder, $"curl -s -H \"Authorization: Bearer $(cat .dkube/operator-token)\" {server.Url.ToString().TrimEnd('/')}/api/v1/me");
            Assert.Contains("\"name\":\"operator\"", next, StringComparison.Ordinal);

            // Requests are not logged one line each.
            using (var me = new ApiClient(server.Url, token))
            {
                for (var i = 0; i < 5; i++)
                {
                    (await me.Get("me")).Expect(HttpStatusCode.OK);
                }
            }

            Assert.Equal(lines.Length, server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            await server.StopAsync(StartBudget);
            Assert.False(File.Exists(Path.Combine(folder, ".dkube", "postgres", "data", "postmaster.pid")), "the embedded database was left running");
        }
        finally
        {
            await server.DisposeAsync();
            StopLeftoverPostgres(folder);
            SharedPostgres.TryDelete(folder);
        }
    }

    [Fact]
    public async Task Json_log_format_writes_one_json_object_per_line_including_the_ready_event()
    {
        var folder = Directory.CreateTempSubdirectory("dkube-json-").FullName;
        var port = FreePorts.Next();
        var info = NewStartInfo("dotnet", folder);
        info.ArgumentList.Add(ServerProcess.ServerDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        info.Environment["DKUBE_LOG_FORMAT"] = "json";
        info.Environment["DKUBE_POSTGRES"] = await SharedPostgres.NewDatabaseAsync();
        info.Environment["DKUBE_CLUSTER_ID"] = $"c{Guid.NewGuid():N}";
        info.Environment["DKUBE_SILO_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DKUBE_GATEWAY_PORT"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var server = ServerProcess.Launch(info, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await Eventually.TrueAsync(() => server.Output.Contains("is ready at", StringComparison.Ordinal), "the ready event", StartBudget);
            await server.StopAsync(StartBudget);
            var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            var events = lines.Select(line =>
            {
                try
                {
                    return JsonDocument.Parse(line).RootElement.Clone();
                }
                catch (JsonException)
                {
                    throw new Xunit.Sdk.XunitException($"Not a JSON line: {line}\n{server.Output}");
                }
            }).ToList();
            var ready = Assert.Single(events, e => e.GetProperty("Message").GetString()!.Contains("is ready at", StringComparison.Ordinal));
            Assert.Equal("Information", ready.GetProperty("LogLevel").GetString());
            Assert.Equal($"http://127.0.0.1:{port}", ready.GetProperty("State").GetProperty("Url").GetString());
            Assert.Equal($"http://127.0.0.1:{port}/scalar", ready.GetProperty("State").GetProperty("ApiReference").GetString());
            var tokenEvent = Assert.Single(events, e => e.GetProperty("Message").GetString()!.StartsWith("Operator token (shown once", StringComparison.Ordinal));
            Assert.Equal((await File.ReadAllTextAsync(Path.Combine(folder, ".dkube", "operator-token"))).Trim(),
                tokenEvent.GetProperty("State").GetProperty("Token").GetString());
        }
        finally
        {
            await server.DisposeAsync();
            SharedPostgres.TryDelete(folder);
        }
    }

    /// <summary>A process in <paramref name="folder"/> with none of the settings a developer's shell or the tests may carry.</summary>
    private static ProcessStartInfo NewStartInfo(string program, string folder)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("DKUBE_", StringComparison.Ordinal) || k.StartsWith("Logging__", StringComparison.Ordinal)
                     || k == "ASPNETCORE_URLS").ToList())
        {
            info.Environment.Remove(key);
        }

        return info;
    }

    private static async Task<string> RunShellAsync(string folder, string command)
    {
        var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = folder, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    /// <summary>A server that did not stop cleanly leaves its embedded PostgreSQL running: end it (fast shutdown).</summary>
    private static void StopLeftoverPostgres(string folder)
    {
        var pidFile = Path.Combine(folder, ".dkube", "postgres", "data", "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
        {
            using var kill = Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }
}
