namespace DKube.Scheduling;

/// <summary>The request waits; the entry carries its position and estimated start.</summary>
public sealed record QueuedDecision(QueueEntry Entry) : AdmissionDecision(Entry.Request.Id);
