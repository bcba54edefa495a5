namespace DKube.Api.Contracts;

/// <summary>An alert's retraining action: a run from <c>template</c> when the alert fires; with <c>promote</c>, its model version becomes the deployment's.</summary>
public sealed record MonitorRetrainRequest(string? Template, bool? Promote);
