namespace DKube.Pipelines;

/// <summary>
/// DKube's own pipeline components (the <c>dkubepl</c> launcher's subcommands): a training run, a
/// preprocessing (data) run, a deployment of a model, and the storage op (Kubernetes volumes).
/// </summary>
public enum DkubeStepKind
{
    Training,
    Preprocessing,
    Serving,
    Storage,
}
