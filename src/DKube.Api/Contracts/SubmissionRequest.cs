namespace DKube.Api.Contracts;

/// <summary>POST /projects/{id}/submissions: the model version to score.</summary>
public sealed record SubmissionRequest(VersionRequest? Model);
