namespace DKube.Api.Contracts;

/// <summary>A resource's request and limit per replica (<c>min</c> is what the replica asks for).</summary>
public sealed record ResourceRangeRequest(double? Min, double? Max);
