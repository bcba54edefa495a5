namespace DKube.Server;

/// <summary>
/// What the console says once the server answers: where it listens, where the operator's token is,
/// where the API reference is and the next command to type. Text for people; one structured event
/// under <c>DKUBE_LOG_FORMAT=json</c>, so that every line of a JSON console is JSON.
/// </summary>
public static class ReadyBanner
{
    /// <summary>Where the browsable API reference (Scalar) is served.</summary>
    public const string ApiReferencePath = "/scalar";

    public static async Task WriteAsync(DKubeServer server, bool tokenCreated, TextWriter console, ILogger logger)
    {
        var options = server.Options;
        var url = server.Url.ToString().TrimEnd('/');
        var tokenFile = Shown(OperatorBootstrap.TokenFile(options));
        var tokenFromEnvironment = !string.IsNullOrWhiteSpace(options.OperatorToken);
        var hasApi = options.Role != ServerRole.Silo;
        var reference = hasApi ? url + ApiReferencePath : null;
        var bearer = tokenFromEnvironment ? "$DKUBE_OPERATOR_TOKEN" : $"$(cat {tokenFile})";
        var next = hasApi ? $"curl -H \"Authorization: Bearer {bearer}\" {url}/api/v1/me" : $"curl {url}/readyz";

        if (ConsoleLogging.IsJson(options.LogFormat))
        {
            if (tokenCreated)
            {
                logger.LogInformation("Operator token (shown once, kept in {TokenFile}): {Token}", tokenFile, server.OperatorToken);
            }

            logger.LogInformation("DKube.Orleans ({Role}) is ready at {Url}; data folder {DataDir}; operator token {TokenSource}; API reference {ApiReference}; try: {Next}",
                options.Role, url, options.DataDir, tokenFromEnvironment ? "DKUBE_OPERATOR_TOKEN" : tokenFile, reference, next);
            return;
        }

        var lines = new List<string>();
        if (tokenCreated)
        {
            lines.Add($"Operator token (shown once, kept in {tokenFile}): {server.OperatorToken}");
        }

        lines.Add($"DKube.Orleans ({options.Role}) is ready at {url}");
        lines.Add($"  data folder     {options.DataDir}");
        lines.Add($"  operator token  {(tokenFromEnvironment ? "DKUBE_OPERATOR_TOKEN" : tokenFile)}");
        if (reference is not null)
        {
            lines.Add($"  API reference   {reference}  (OpenAPI: {url}/openapi/v1.json)");
        }

        lines.Add($"  try             {next}");
        lines.Add("  stop            Ctrl+C");
        await console.WriteLineAsync(string.Join(Environment.NewLine, lines));
        await console.FlushAsync();
    }

    /// <summary>A path as the user can type it where they started the server: relative below it, else absolute.</summary>
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
