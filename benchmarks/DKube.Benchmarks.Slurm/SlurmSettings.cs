namespace DKube.Benchmarks.Slurm;

/// <summary>The Slurm of deploy/slurm, as its env file (DKUBE_SLURM_ENV, default /tmp/dkube-slurm/env.sh) describes it.</summary>
public sealed record SlurmSettings(string Endpoint, string ApiVersion, string User, string Token, string JobsDirectory, string? JobCompLog)
{
    public const string DefaultEnvFile = "/tmp/dkube-slurm/env.sh";

    /// <summary>Null when there is no env file (run deploy/slurm/slurm-up.sh first).</summary>
    public static SlurmSettings? Load()
    {
        var file = Environment.GetEnvironmentVariable("DKUBE_SLURM_ENV") is { Length: > 0 } configured ? configured : DefaultEnvFile;
        if (!File.Exists(file))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(file))
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

        return new SlurmSettings(values["SLURMRESTD_URL"], values.GetValueOrDefault("DKUBE_SLURM_API_VERSION", "v0.0.38"),
            values["DKUBE_SLURM_USER"], values["DKUBE_SLURM_JWT"], values["DKUBE_SLURM_JOBS_DIR"], values.GetValueOrDefault("DKUBE_SLURM_JOBCOMP_LOG"));
    }
}
