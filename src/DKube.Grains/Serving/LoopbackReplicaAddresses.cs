using System.Globalization;
using DKube.Executors;

namespace DKube.Grains.Serving;

/// <summary>A port the kernel says is free on 127.0.0.1 (the local executor's replicas run on the silo's machine).</summary>
public sealed class LoopbackReplicaAddresses : IReplicaAddresses
{
    public ReplicaAddress Assign(string replicaId)
    {
        var port = HttpEndpoint.FreeLoopbackPort();
        return new ReplicaAddress(
            new Dictionary<string, string> { [HttpEndpoint.PortVariable] = port.ToString(CultureInfo.InvariantCulture) },
            HttpEndpoint.Url("127.0.0.1", port));
    }
}
