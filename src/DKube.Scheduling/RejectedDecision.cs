namespace DKube.Scheduling;

/// <summary>The request was refused and holds nothing.</summary>
public sealed record RejectedDecision(string RequestId, RejectionReason Reason, string Message) : AdmissionDecision(RequestId);
