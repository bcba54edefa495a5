namespace DKube.Api.Contracts;

/// <summary>How a deployment serves: <c>sklearn</c> (default) or <c>custom</c> (<c>command</c> listens on <c>PORT</c>), under an optional path <c>prefix</c>.</summary>
public sealed record ServingRequest(string? Runtime, string? Command, string? Image, int? Port, string? Prefix);
