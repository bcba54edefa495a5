namespace DKube.Grains.Workloads;

/// <summary>
/// The built-in IDE kinds and the command each image runs when the user gives none. Each listens on
/// the port and address its executor gives (<c>PORT</c>, <c>DKUBE_BIND_ADDRESS</c>), answers under the
/// gateway's path (<c>DKUBE_BASE_URL</c>, <c>/ides/{id}/lab/</c>) and asks for no token or password of
/// its own: the gateway lets only the IDE's owner and group through, and nothing else reaches the port.
/// </summary>
public static class IdeKinds
{
    // JupyterLab (ServerApp settings) where it is installed, else the classic Notebook server
    // (NotebookApp settings; Debian's jupyter-notebook). allow_remote_access: the gateway forwards the
    // browser's Host, which the server would otherwise refuse as not local (DNS rebinding guard).
    private const string JupyterLab =
        "if command -v jupyter-lab >/dev/null 2>&1; then "
        + "exec jupyter lab --no-browser --ip=\"$DKUBE_BIND_ADDRESS\" --port=\"$PORT\" --notebook-dir=\"$DKUBE_WORK_DIR\" "
        + "--ServerApp.base_url=\"$DKUBE_BASE_URL\" --ServerApp.token= --ServerApp.password= --ServerApp.allow_remote_access=True; "
        + "else exec jupyter notebook --no-browser --ip=\"$DKUBE_BIND_ADDRESS\" --port=\"$PORT\" --notebook-dir=\"$DKUBE_WORK_DIR\" "
        + "--NotebookApp.base_url=\"$DKUBE_BASE_URL\" --NotebookApp.token= --NotebookApp.password= --NotebookApp.allow_remote_access=True; fi";

    // RStudio Server: www-root-path tells it the path it is served under behind a proxy;
    // auth-none=1 leaves authentication to the gateway.
    private const string RStudio =
        "exec rserver --www-address=\"$DKUBE_BIND_ADDRESS\" --www-port=\"$PORT\" --www-root-path=\"$DKUBE_BASE_URL\" --auth-none=1 --server-daemonize=0";

    public static IReadOnlyDictionary<string, string> DefaultCommands { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["jupyterlab"] = JupyterLab,
        ["rstudio"] = RStudio,
    };
}
