namespace DKube.Grains.Workloads;

/// <summary>The built-in IDE kinds and the command each image runs when the user gives none.</summary>
public static class IdeKinds
{
    public static IReadOnlyDictionary<string, string> DefaultCommands { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["jupyterlab"] = "exec jupyter lab --no-browser --ip=127.0.0.1 --port=\"${DKUBE_IDE_PORT:-8888}\" --notebook-dir=\"$DKUBE_WORK_DIR\"",
        ["rstudio"] = "exec rserver --www-address=127.0.0.1 --www-port=\"${DKUBE_IDE_PORT:-8787}\"",
    };
}
