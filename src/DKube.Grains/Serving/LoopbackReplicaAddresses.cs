using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DKube.Grains.Serving;

/// <summary>A port the kernel says is free on 127.0.0.1 (the local executor's replicas run on the silo's machine).</summary>
public sealed class LoopbackReplicaAddresses : IReplicaAddresses
{
    public ReplicaAddress Assign(string replicaId)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new ReplicaAddress(new Dictionary<string, string> { ["PORT"] = port.ToString(CultureInfo.InvariantCulture) }, $"http://127.0.0.1:{port}");
    }
}
