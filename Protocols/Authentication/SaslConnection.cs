using System.Net;

namespace Mail.Protocols.Authentication;

/// <summary>What a SASL exchange needs to know about its connection.</summary>
/// <param name="Client">The address failures are counted for: the peer, or the address a trusted proxy named
/// (<see cref="AuthenticationOptions.TrustedNetworks"/>). IPv4-mapped IPv6 addresses are given as IPv4.</param>
/// <param name="Peer">The socket peer's address (loopback check).</param>
/// <param name="ChannelBinding">The TLS channel, null without TLS.</param>
public sealed record SaslConnection(IPAddress Client, IPAddress Peer, TlsChannelBinding? ChannelBinding)
{
    /// <summary>TLS is active.</summary>
    public bool IsSecure => ChannelBinding is not null;

    /// <summary>Builds a connection description from socket addresses (mapped IPv6 → IPv4).</summary>
    public static SaslConnection Create(IPAddress peer, TlsChannelBinding? channelBinding, IPAddress? namedClient = null)
    {
        var plain = Plain(peer);
        return new SaslConnection(namedClient is null ? plain : Plain(namedClient), plain, channelBinding);
    }

    /// <summary>The address with an IPv4-mapped IPv6 address turned into IPv4.</summary>
    public static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
