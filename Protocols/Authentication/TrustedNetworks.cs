using System.Net;

namespace Mail.Protocols.Authentication;

/// <summary>
/// <see cref="AuthenticationOptions.TrustedNetworks"/> parsed once: CIDR networks or single addresses; empty means
/// nobody. IPv4-mapped IPv6 peers are matched as IPv4.
/// </summary>
internal sealed class TrustedNetworks
{
    private readonly List<IPNetwork> _networks = [];

    /// <exception cref="FormatException">An entry is neither an address nor a CIDR network.</exception>
    public TrustedNetworks(IEnumerable<string> entries)
    {
        foreach (var entry in entries.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                _networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                _networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new FormatException($"{AuthenticationOptions.Section}:TrustedNetworks entry '{entry}' is not an address or CIDR network.");
            }
        }
    }

    /// <summary>True when <paramref name="address"/> is inside one of the networks.</summary>
    public bool Contains(IPAddress address)
    {
        var plain = SaslConnection.Plain(address);
        return _networks.Any(n => n.Contains(plain));
    }
}
