namespace DKube.Grains.Serving;

/// <summary>
/// Gives each replica its own port. The one place that knows how: today a free loopback port of
/// the silo's machine (the local executor runs replicas there); once executors hand every
/// HTTP-serving workload a port and report its endpoint, this becomes a read of that endpoint.
/// </summary>
public interface IReplicaAddresses
{
    ReplicaAddress Assign(string replicaId);
}
