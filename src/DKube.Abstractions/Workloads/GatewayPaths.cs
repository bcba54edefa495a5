namespace DKube.Abstractions.Workloads;

/// <summary>
/// Where the gateway serves what runs in a workload, at the server's root (not under <c>/api/v1</c>).
/// The grains tell a server its base URL from here and the gateway routes the same paths, so the
/// two cannot drift apart.
/// </summary>
public static class GatewayPaths
{
    /// <summary>The variable that carries a served workload's base URL (with its trailing slash) to its command.</summary>
    public const string BaseUrlVariable = "DKUBE_BASE_URL";

    /// <summary><c>/ides/{id}/lab/</c>: an IDE's server (JupyterLab, Notebook, RStudio).</summary>
    public static string IdeLab(string ideId) => $"/ides/{Uri.EscapeDataString(ideId)}/lab/";

    /// <summary><c>/runs/{id}/tensorboard/</c> or <c>/ides/{id}/tensorboard/</c>: the TensorBoard of a workload.</summary>
    public static string TensorBoard(WorkloadType type, string workloadId) =>
        $"/{(type == WorkloadType.Ide ? "ides" : "runs")}/{Uri.EscapeDataString(workloadId)}/tensorboard/";
}
