namespace DKube.Storage.Grains;

/// <summary>One waiting request of a pool's queue as stored: its id, its place (<paramref name="Seq"/>, ascending is queue order) and the grain's encoding of it.</summary>
public sealed record QueueEntryRow(string Id, long Seq, byte[] Payload);
