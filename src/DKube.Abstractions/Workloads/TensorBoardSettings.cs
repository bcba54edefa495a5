namespace DKube.Abstractions.Workloads;

/// <summary>
/// How a TensorBoard is started (<c>DKUBE_TENSORBOARD_COMMAND</c>): a shell command that serves
/// <c>DKUBE_TENSORBOARD_DIR</c> on <c>PORT</c> at <c>DKUBE_BIND_ADDRESS</c>, under the path <c>DKUBE_BASE_URL</c>.
/// </summary>
public sealed record TensorBoardSettings(string Command)
{
    public const string DefaultCommand =
        "exec tensorboard --logdir \"$DKUBE_TENSORBOARD_DIR\" --host \"$DKUBE_BIND_ADDRESS\" --port \"$PORT\" --path_prefix \"${DKUBE_BASE_URL%/}\"";
}
