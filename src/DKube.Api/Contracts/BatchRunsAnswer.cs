namespace DKube.Api.Contracts;

/// <summary>The answer to POST /runs:batch: one result per spec, in the order of the request.</summary>
public sealed record BatchRunsAnswer(IReadOnlyList<BatchItemResult> Items);
