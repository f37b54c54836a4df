using DnsClient;
using Mail.Shared.Hosting;

namespace Mail.Protocols.Filtering.Auth;

/// <summary>TXT lookups for DKIM keys and DMARC policies, through DnsClient.</summary>
public sealed class DnsTxtResolver
{
    private readonly LookupClient _client;

    public DnsTxtResolver(IReadOnlyList<string> servers, double timeoutSeconds)
    {
        var options = servers.Count == 0 ? new LookupClientOptions() : new LookupClientOptions(servers.Select(MailEndpoints.Parse).ToArray());
        options.Timeout = TimeSpan.FromSeconds(timeoutSeconds);
        options.Retries = 1;
        options.UseCache = true;
        options.ThrowDnsErrors = false;
        options.UseTcpFallback = true;
        _client = new LookupClient(options);
    }

    /// <summary>The TXT records of <paramref name="name"/>, each with its strings joined (RFC 6376 §3.6.2.2); empty for NXDOMAIN or no records.</summary>
    /// <exception cref="DnsLookupException">The lookup failed (timeout, SERVFAIL): a temporary error.</exception>
    public async Task<IReadOnlyList<string>> TxtAsync(string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException ex)
        {
            throw new DnsLookupException(name + ": " + ex.Message, ex);
        }
        if (response.HasError)
        {
            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            {
                return [];
            }
            throw new DnsLookupException(name + ": " + response.ErrorMessage);
        }
        return response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList();
    }
}

/// <summary>A DNS lookup failed temporarily.</summary>
public sealed class DnsLookupException : Exception
{
    public DnsLookupException(string message)
        : base(message)
    {
    }

    public DnsLookupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DnsLookupException()
    {
    }
}
