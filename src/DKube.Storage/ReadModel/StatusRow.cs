namespace DKube.Storage.ReadModel;

/// <summary>A resource's id with its group and stored status, as recovery and the reconciler find them.</summary>
public sealed record StatusRow(string Id, string Group, string Status);
