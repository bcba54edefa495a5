using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DKube.Executors;

/// <summary>
/// The port and address of work that serves HTTP (<see cref="ExecutionSpec.ServesHttp"/>): every
/// backend hands them to the work in the same two variables and reports the endpoint the same way,
/// so an IDE's or model server's command is the same wherever it runs.
/// </summary>
public static class HttpEndpoint
{
    /// <summary>The port the work must listen on (the usual name for it: PaaS platforms, Knative and KServe set it too).</summary>
    public const string PortVariable = "PORT";

    /// <summary>
    /// The address the work must bind: <c>127.0.0.1</c> on the local machine (only the gateway of
    /// the same machine reaches it), <c>0.0.0.0</c> in a pod (its own network namespace) or a Slurm node.
    /// </summary>
    public const string BindAddressVariable = "DKUBE_BIND_ADDRESS";

    /// <summary>
    /// The <see cref="ExecutionSpec.BackendOptions"/> key of a port the work itself names (a custom
    /// model server's <c>port</c>, as DKube has it): its container port on Kubernetes, the port a
    /// local process is given in <c>PORT</c> and reached at. Without it a local process gets a free port.
    /// </summary>
    public const string PortOption = "port";

    /// <summary>
    /// A TCP port nothing listens on now, given by the kernel for loopback. Another process could
    /// take it between this call and the work's bind; the work then fails to start and says why in
    /// its log, which is the rare price of not reserving ports in a table of our own.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>The port <see cref="PortOption"/> names, when it names a TCP port.</summary>
    public static int? NamedPort(ExecutionSpec spec) =>
        spec.BackendOptions.TryGetValue(PortOption, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : null;

    /// <summary>Sets both variables over whatever the environment holds (a caller cannot pick another port).</summary>
    public static void Apply(IDictionary<string, string> environment, int port, string bindAddress)
    {
        environment[PortVariable] = port.ToString(CultureInfo.InvariantCulture);
        environment[BindAddressVariable] = bindAddress;
    }

    /// <summary><c>http://host:port</c>, with an IPv6 host in brackets.</summary>
    public static string Url(string host, int port) =>
        $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port.ToString(CultureInfo.InvariantCulture)}";
}
