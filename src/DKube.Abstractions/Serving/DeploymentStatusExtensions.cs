namespace DKube.Abstractions.Serving;

public static class DeploymentStatusExtensions
{
    /// <summary>
    /// Running, Error or Stopped: where a deployment made by a parent (a pipeline's serving step)
    /// has come to rest, which is what the parent waits for and what the deployment tells it.
    /// </summary>
    public static bool IsSettled(this DeploymentStatus status) =>
        status is DeploymentStatus.Running or DeploymentStatus.Error or DeploymentStatus.Stopped;
}
