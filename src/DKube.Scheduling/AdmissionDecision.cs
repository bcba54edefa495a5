namespace DKube.Scheduling;

/// <summary>The outcome of a submission: <see cref="AdmittedDecision"/>, <see cref="QueuedDecision"/> or <see cref="RejectedDecision"/>.</summary>
public abstract record AdmissionDecision(string RequestId);
