namespace DKube.Executors;

public enum WorkloadKind
{
    /// <summary>A batch run: ends by itself with an exit code.</summary>
    Run,

    /// <summary>A long-lived interactive server (JupyterLab, RStudio) that ends only when stopped.</summary>
    Ide,
}
