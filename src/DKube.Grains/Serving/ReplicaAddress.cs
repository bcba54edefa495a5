namespace DKube.Grains.Serving;

/// <summary>Where a replica will listen: the variables its command gets (<c>PORT</c>) and the URL the gateway reaches it at.</summary>
public sealed record ReplicaAddress(IReadOnlyDictionary<string, string> Environment, string Url);
