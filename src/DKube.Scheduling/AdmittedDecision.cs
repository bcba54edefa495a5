namespace DKube.Scheduling;

/// <summary>The request runs now with the given placement.</summary>
public sealed record AdmittedDecision(Admission Admission) : AdmissionDecision(Admission.Request.Id);
