using System.Net;

namespace Mail.Protocols.Lmtp;

/// <summary>
/// <see cref="LmtpOptions.TrustedNetworks"/> parsed once: CIDR networks or single addresses.
/// Empty configuration means loopback only (<c>127.0.0.0/8</c>, <c>::1/128</c>). IPv4-mapped IPv6
/// clients are matched as IPv4.
/// </summary>
internal sealed class LmtpTrustedNetworks
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    /// <exception cref="FormatException">An entry is neither an address nor a CIDR network.</exception>
    public LmtpTrustedNetworks(IEnumerable<string> entries)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in entries.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"Mail:Lmtp:TrustedNetworks entry '{entry}' is not an address or CIDR network.");
            }
        }
        if (networks.Count == 0)
        {
            networks.Add(IPNetwork.Parse("127.0.0.0/8"));
            networks.Add(IPNetwork.Parse("::1/128"));
        }
        _networks = networks;
    }

    /// <summary>True when <paramref name="address"/> is inside one of the networks.</summary>
    public bool Contains(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _networks.Any(n => n.Contains(plain));
    }
}
