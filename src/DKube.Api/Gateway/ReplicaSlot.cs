namespace DKube.Api.Gateway;

/// <summary>A ready replica in the gateway's table, with the requests it has in flight (changed under its traffic's lock).</summary>
public sealed class ReplicaSlot(string replicaId, string url)
{
    public string ReplicaId => replicaId;

    public string Url => url;

    public int InFlight { get; set; }
}
