using DKube.Abstractions.Tenancy;
using DKube.Storage.Secrets;

namespace DKube.Server;

/// <summary>
/// Makes sure the operator user exists with the configured token (<c>DKUBE_OPERATOR_TOKEN</c>),
/// or with one made on first start, printed once and kept in the data folder.
/// </summary>
public static class OperatorBootstrap
{
    public const string OperatorName = "operator";

    public static async Task<string> EnsureAsync(IGrainFactory grains, DKubeOptions options, TextWriter console)
    {
        var token = options.OperatorToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            var file = Path.Combine(options.DataDir, "operator-token");
            if (File.Exists(file))
            {
                token = (await File.ReadAllTextAsync(file)).Trim();
            }
            else
            {
                token = Tokens.New();
                Directory.CreateDirectory(options.DataDir);
                PrivateFile.Create(file, token);
                await console.WriteLineAsync($"Operator token (shown once, kept in {file}): {token}");
            }
        }

        await grains.GetGrain<IUserGrain>(OperatorName).Ensure([Roles.Operator], token);
        return token;
    }
}
