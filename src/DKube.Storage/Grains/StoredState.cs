namespace DKube.Storage.Grains;

/// <summary>A grain's stored row: its version and payload (null for a cleared state, whose tombstone keeps the version).</summary>
internal sealed record StoredState(long Version, byte[]? Payload);
