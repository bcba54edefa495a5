namespace DKube.Executors;

/// <summary>A folder made visible to the work at <see cref="MountPath"/> (relative to its working folder for local work).</summary>
public sealed record VolumeMount(string Source, string MountPath, bool ReadOnly);
