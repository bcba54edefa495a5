using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>
/// A git host over http that demands credentials: Kestrel on loopback checks Basic auth and hands
/// each request to the real <c>git http-backend</c> as CGI. It takes one user name and password,
/// and any user name with one token, as forges do.
/// </summary>
public sealed class GitHttpHost : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "http-password-0d9c1f";
    public const string Token = "http-token-77ab3e";

    private readonly WebApplication _app;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dkube-git-http-");

    private GitHttpHost(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.First());

    public static async Task<GitHttpHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var host = new GitHttpHost(builder.Build());
        host._app.Run(host.ServeAsync);
        await host._app.StartAsync();
        return host;
    }

    /// <summary>A bare repository served at <c>http://127.0.0.1:port/name/remote.git</c>.</summary>
    public HostedRepository NewRepository(string name) =>
        new(Path.Combine(_root.FullName, name), bare => new Uri(Url, Path.GetRelativePath(_root.FullName, bare)).ToString());

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _root.Delete(recursive: true);
    }

    private async Task ServeAsync(HttpContext http)
    {
        if (!Authorized(http.Request.Headers.Authorization.ToString()))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return;
        }

        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var request = http.Request;
        var cgi = start.Environment;
        cgi["GIT_PROJECT_ROOT"] = _root.FullName;
        cgi["GIT_HTTP_EXPORT_ALL"] = "1";
        cgi["REQUEST_METHOD"] = request.Method;
        cgi["PATH_INFO"] = request.Path.Value;
        cgi["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        cgi["CONTENT_TYPE"] = request.ContentType ?? "";
        cgi["REMOTE_USER"] = User;
        cgi["REMOTE_ADDR"] = "127.0.0.1";
        cgi["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        cgi["GIT_PROTOCOL"] = request.Headers["Git-Protocol"].ToString();

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var input = Task.Run(async () =>
        {
            await request.Body.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        });

        var output = process.StandardOutput.BaseStream;
        foreach (var line in await ReadHeadersAsync(output))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                http.Response.Headers.Append(name, value);
            }
        }

        await output.CopyToAsync(http.Response.Body);
        await input;
        await process.WaitForExitAsync();
        await error;
    }

    private static bool Authorized(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || value.Scheme != "Basic" || value.Parameter is null)
        {
            return false;
        }

        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter)).Split(':', 2);
        return pair.Length == 2 && ((pair[0] == User && pair[1] == Password) || pair[1] == Token);
    }

    // CGI headers end at the first empty line; read byte by byte so the body stays in the stream.
    private static async Task<List<string>> ReadHeadersAsync(Stream output)
    {
        var headers = new List<string>();
        var line = new List<byte>();
        var one = new byte[1];
        while (await output.ReadAsync(one) == 1)
        {
            if (one[0] != '\n')
            {
                line.Add(one[0]);
                continue;
            }

            var text = Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            line.Clear();
            if (text.Length == 0)
            {
                break;
            }

            headers.Add(text);
        }

        return headers;
    }
}
