namespace DKube.Pipelines;

/// <summary>A container executor: image, command and args (with placeholders), environment.</summary>
public sealed record ContainerSpec(
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env);
