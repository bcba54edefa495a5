namespace DKube.Api.Contracts;

/// <summary>PUT /experiments/{id}/contributors/{user}: <c>viewer</c>, <c>editor</c> or <c>owner</c>.</summary>
public sealed record ContributorRequest(string? Access);
