namespace DKube.Abstractions.Serving;

/// <summary>
/// A grain that made a deployment as its child (a pipeline run's serving step) and learns from
/// this event, never by polling, that it settled: <c>Running</c> (its first replica answered its
/// readiness probe), <c>Error</c> (it never became ready) or <c>Stopped</c> (stopped or deleted
/// before it was ready). Told once per deployment, at least once: off the deployment's turn,
/// retried, and again on its next activation until the deployment noted the delivery; the handler
/// must be idempotent (by deployment id).
/// </summary>
[Alias("dkube.IDeploymentWatcher")]
public interface IDeploymentWatcher : IGrain
{
    [Alias("DeploymentSettled")]
    Task DeploymentSettled(DeploymentView settled);
}
