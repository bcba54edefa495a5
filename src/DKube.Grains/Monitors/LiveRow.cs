namespace DKube.Grains.Monitors;

/// <summary>One instance of a logged request: its id (<c>requestId</c> or <c>requestId#n</c>), its input cells by column, its prediction.</summary>
public sealed record LiveRow(string Id, IReadOnlyDictionary<string, string> Inputs, string? Prediction);
