namespace DKube.Api.Contracts;

/// <summary>POST /monitors/{id}/groundtruth: how many labels were stored.</summary>
public sealed record GroundTruthAnswer(int Stored);
