namespace DKube.Pipelines;

/// <summary>
/// What a DKube serving step asks for: the model (a name, or the <c>artifact</c> output of a
/// training step: JSON naming the model and its version), the device (<c>gpu</c> asks one GPU per
/// replica), the serving image (DKube's container JSON; a <c>command</c> key, this server's own,
/// makes it a custom runtime), an optional transformer (its code repo, script, commit, image) and
/// the deployment's name and replica bounds when the step gives them.
/// </summary>
public sealed record DkubeServingSpec(
    string Model,
    int? ModelVersion,
    int Gpus,
    string? Image,
    string? Command,
    string? TransformerImage,
    string? TransformerProgram,
    string? TransformerScript,
    string? TransformerCommit,
    string? Name,
    int? MinReplicas,
    int? MaxReplicas);
