namespace DKube.Scheduling;

/// <summary>The request was refused and holds nothing.</summary>
/// <param name="Breach">For <see cref="RejectionReason.QueueQuotaExceeded"/>: which quota, its limit and use.</param>
public sealed record RejectedDecision(string RequestId, RejectionReason Reason, string Message, QuotaBreach? Breach = null) : AdmissionDecision(RequestId);
