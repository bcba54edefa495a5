namespace DKube.Pipelines;

/// <summary>
/// A task of DKube's own kind, read from the launcher's command line with the task's inputs
/// resolved: for training and preprocessing, the image (from DKube's container JSON), the code repo
/// (<c>program</c>) and commit, the script, the input datasets, featuresets and models with their
/// mount paths and versions, the outputs (a training's models, a preprocessing's datasets and
/// featuresets), GPUs, environment and config; for serving, <see cref="Serving"/>.
/// </summary>
public sealed record DkubeStep(
    DkubeStepKind Kind,
    string? Image,
    string? Program,
    string? Commit,
    string? Script,
    IReadOnlyList<DkubeDataRef> Inputs,
    IReadOnlyList<DkubeDataRef> Outputs,
    int Gpus,
    IReadOnlyDictionary<string, string> Envs,
    string? Config,
    DkubeServingSpec? Serving);
