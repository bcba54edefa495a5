using System.Text.Json;

namespace DKube.Executors.Local;

/// <summary>Rejects what the local executor cannot run, with a message that says why.</summary>
internal static class LocalSpecValidator
{
    /// <summary>The BackendOptions key whose value is written to the run's hyperparameters.json.</summary>
    public const string HyperparametersOption = "hyperparameters.json";

    private const int MaxIdLength = 128;

    public static void ValidateId(string id)
    {
        if (string.IsNullOrEmpty(id))
            throw new ArgumentException("A run id is required.", nameof(id));
        if (id.Length > MaxIdLength)
            throw new ArgumentException($"The run id is longer than {MaxIdLength} characters.", nameof(id));
        if (id[0] == '.' || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException(
                $"The run id '{id}' cannot name a working folder: use ASCII letters, digits, '-', '_' and '.', not starting with '.'.",
                nameof(id));
    }

    public static void Validate(ExecutionSpec spec)
    {
        try
        {
            ValidateId(spec.Id);
            if (spec.TensorBoardOf is { } served)
                ValidateId(served);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message, nameof(spec), e);
        }

        if (string.IsNullOrWhiteSpace(spec.Command))
            throw new ArgumentException($"Run '{spec.Id}' has an empty command: the local executor runs a shell command.", nameof(spec));
        if (spec.Command.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"Run '{spec.Id}' has a NUL character in its command.", nameof(spec));
        if (spec.TimeLimit is { } limit && limit <= TimeSpan.Zero)
            throw new ArgumentException($"Run '{spec.Id}' has a time limit that is not positive ({limit}).", nameof(spec));

        foreach (var (name, value) in spec.Environment)
        {
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
                throw new ArgumentException($"Run '{spec.Id}' has an invalid environment variable '{name}': names need no '=' and neither may hold NUL.", nameof(spec));
        }

        foreach (var mount in spec.Mounts)
            ValidateMount(spec, mount);

        if (spec.BackendOptions.TryGetValue(HyperparametersOption, out var hyperparameters))
        {
            try
            {
                using var _ = JsonDocument.Parse(hyperparameters);
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"Run '{spec.Id}' has a '{HyperparametersOption}' backend option that is not JSON: {e.Message}", nameof(spec), e);
            }
        }
    }

    /// <summary>The mount path inside the working folder: a leading '/' is dropped, since local mounts are relative to it.</summary>
    public static string RelativeMountPath(VolumeMount mount) => mount.MountPath.TrimStart('/');

    private static void ValidateMount(ExecutionSpec spec, VolumeMount mount)
    {
        var id = spec.Id;
        if (!Path.IsPathFullyQualified(mount.Source))
            throw new ArgumentException($"Run '{id}' mounts '{mount.Source}', which is not an absolute path.", nameof(spec));

        var relative = RelativeMountPath(mount);
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".."))
            throw new ArgumentException($"Run '{id}' has mount path '{mount.MountPath}', which does not name a place inside its working folder.", nameof(spec));
        if (LocalRunPaths.ReservedNames.Contains(segments[0]))
            throw new ArgumentException($"Run '{id}' has mount path '{mount.MountPath}', which the executor uses itself.", nameof(spec));
    }
}
