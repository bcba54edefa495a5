namespace DKube.Executors;

public enum WorkloadKind
{
    /// <summary>A batch run: ends by itself with an exit code.</summary>
    Run,

    /// <summary>A long-lived interactive server (JupyterLab, RStudio) that ends only when stopped.</summary>
    Ide,

    /// <summary>
    /// A model server (a deployment's replica): long-lived like an IDE and ended only when stopped
    /// (or when it crashes: the deployment replaces it); on Kubernetes it is reached through a
    /// Service of its own, whose address stays while pods come and go.
    /// </summary>
    Inference,
}
