using System.Net;
using System.Net.Sockets;
using DKube.Abstractions.Errors;

namespace DKube.Grains.Monitors;

/// <summary>
/// Where webhooks may point. A webhook is a URL a user gives and a silo POSTs to, so by default
/// it may only reach public addresses: loopback, private (RFC 1918, unique local), link-local
/// (cloud metadata services), carrier-grade NAT, multicast and reserved addresses are refused
/// unless <see cref="MonitorOptions.WebhookAllowedHosts"/> names the host, the address or a range
/// holding it. Checked twice: when the alert is set up (a 422 <c>webhook-not-allowed</c>), and at
/// every connection, on the address actually connected to (<see cref="ConnectAsync"/>), so a name
/// that resolves to a public address at create and to an internal one later (DNS rebinding) is
/// refused when it is used.
/// </summary>
public sealed class WebhookPolicy
{
    private static readonly (IPAddress Network, int Prefix)[] Internal =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16",
            "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(Range),
    ];

    private readonly HashSet<string> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Network, int Prefix)> _ranges = [];

    public WebhookPolicy(MonitorOptions options)
    {
        foreach (var entry in options.WebhookAllowedHosts)
        {
            if (entry.Contains('/', StringComparison.Ordinal))
            {
                _ranges.Add(Range(entry));
            }
            else if (IPAddress.TryParse(entry.Trim('[', ']'), out var address))
            {
                _ranges.Add((address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                _hosts.Add(entry);
            }
        }
    }

    /// <summary>Whether a webhook of <paramref name="host"/> may connect to <paramref name="address"/>.</summary>
    public bool Allows(string host, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return _hosts.Contains(host) || _ranges.Any(r => Contains(r, address)) || !Internal.Any(r => Contains(r, address));
    }

    /// <summary>The check when a webhook is set up: every address its host resolves to now must be allowed (422 otherwise).</summary>
    public async Task RequireAllowedAsync(string field, string url, CancellationToken cancellationToken)
    {
        var uri = new Uri(url);
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException e)
        {
            throw Refused(field, $"its host '{uri.Host}' does not resolve ({e.SocketErrorCode}).");
        }

        if (addresses.FirstOrDefault(a => !Allows(uri.IdnHost, a)) is { } denied)
        {
            throw Refused(field, $"its host '{uri.Host}' is (or resolves to) {denied}, an internal address webhooks may not reach; an operator may allow it with DKUBE_MONITOR_WEBHOOK_ALLOWED_HOSTS.");
        }
    }

    /// <summary>
    /// The sender's connect step: resolves the host and connects only to addresses the policy
    /// allows, so what was checked is what is connected to.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(a => Allows(host, a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"the webhook's host '{host}' resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}: internal addresses webhooks may not reach (DKUBE_MONITOR_WEBHOOK_ALLOWED_HOSTS)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    private static DomainException Refused(string field, string why) =>
        new(ErrorKind.Unprocessable, "webhook-not-allowed", $"{field}: {why}", new Dictionary<string, string[]> { [field] = [why] });

    private static (IPAddress Network, int Prefix) Range(string cidr)
    {
        var parts = cidr.Split('/', 2);
        return (IPAddress.Parse(parts[0].Trim()), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool Contains((IPAddress Network, int Prefix) range, IPAddress address)
    {
        if (range.Network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        var (network, candidate) = (range.Network.GetAddressBytes(), address.GetAddressBytes());
        for (int bit = 0, left = range.Prefix; left > 0; bit++, left -= 8)
        {
            var mask = left >= 8 ? 0xFF : 0xFF << (8 - left) & 0xFF;
            if ((network[bit] & mask) != (candidate[bit] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
