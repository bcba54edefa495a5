namespace DKube.Tuning;

/// <summary>
/// A study specification that cannot run: <see cref="Errors"/> names each field (by its path in the
/// YAML, e.g. <c>spec.parameters[1].feasibleSpace</c>) and what is wrong with it.
/// <see cref="Malformed"/> marks text that is not YAML at all.
/// </summary>
public sealed class StudySpecException(string message, IReadOnlyDictionary<string, string[]> errors, bool malformed = false) : Exception(message)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public bool Malformed { get; } = malformed;
}
