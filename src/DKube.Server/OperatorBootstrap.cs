using DKube.Abstractions.Tenancy;
using DKube.Storage.Secrets;

namespace DKube.Server;

/// <summary>
/// Makes sure the operator user exists with the configured token (<c>DKUBE_OPERATOR_TOKEN</c>),
/// or with one made on first start and kept in the data folder (the ready banner prints it that once).
/// </summary>
public static class OperatorBootstrap
{
    public const string OperatorName = "operator";

    public const string TokenFileName = "operator-token";

    public static string TokenFile(DKubeOptions options) => Path.Combine(options.DataDir, TokenFileName);

    /// <summary>The operator's token, and whether it was made just now (so it has never been shown).</summary>
    public static async Task<(string Token, bool Created)> EnsureAsync(IGrainFactory grains, DKubeOptions options)
    {
        var token = options.OperatorToken;
        var created = false;
        if (string.IsNullOrWhiteSpace(token))
        {
            var file = TokenFile(options);
            if (File.Exists(file))
            {
                token = (await File.ReadAllTextAsync(file)).Trim();
            }
            else
            {
                token = Tokens.New();
                Directory.CreateDirectory(options.DataDir);
                PrivateFile.Create(file, token);
                created = true;
            }
        }

        await grains.GetGrain<IUserGrain>(OperatorName).Ensure([Roles.Operator], token);
        return (token, created);
    }
}
