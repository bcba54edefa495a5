namespace DKube.Storage.ReadModel;

/// <summary>A name within a scope, held by one resource id (a row of <c>dkube_names</c>).</summary>
internal sealed record NameClaim(string Kind, string Scope, string Name, string Id);
