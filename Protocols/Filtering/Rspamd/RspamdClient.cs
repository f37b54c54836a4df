using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace Mail.Protocols.Filtering.Rspamd;

/// <summary>
/// rspamd's HTTP protocol (https://rspamd.com/doc/developers/protocol.html): <c>POST /checkv2</c> with the
/// message as the body and the envelope as request headers (<c>IP</c>, <c>Helo</c>, <c>From</c>, one
/// <c>Rcpt</c> per recipient, <c>Queue-Id</c>, <c>User</c>, <c>MTA-Name</c>), answered by a JSON object
/// (<see cref="RspamdReply"/>). Connections are pooled and kept alive by one <see cref="HttpClient"/>.
/// </summary>
internal sealed class RspamdClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _check;
    private readonly string _password;
    private readonly int _maxReplyOctets;

    /// <exception cref="UriFormatException"><paramref name="baseUrl"/> is not an absolute http(s) URL.</exception>
    public RspamdClient(string baseUrl, string password, int maxReplyOctets)
    {
        var root = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute);
        if (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps)
        {
            throw new UriFormatException($"rspamd URL '{baseUrl}' is not http(s).");
        }
        _check = new Uri(root, "checkv2");
        _password = password;
        _maxReplyOctets = maxReplyOctets;
        // The pipeline cancels a scan at its timeout; HttpClient's own timeout is off.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Scans the first <paramref name="maxOctets"/> octets of <paramref name="message"/>.</summary>
    /// <exception cref="HttpRequestException">Connect or transport failure, or a non-success HTTP status.</exception>
    /// <exception cref="RspamdProtocolException">The reply is too long or not a <c>/checkv2</c> reply.</exception>
    public async Task<RspamdReply> CheckAsync(ScanMessage message, long maxOctets, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _check) { Content = new ScanMessageContent(message, maxOctets) };
        AddEnvelope(request.Headers, message.Envelope);
        if (_password.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Password", _password);
        }
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"rspamd answered HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
        if (response.Content.Headers.ContentLength > _maxReplyOctets)
        {
            throw new RspamdProtocolException($"reply longer than {_maxReplyOctets} octets");
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_maxReplyOctets, 64 * 1024) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > _maxReplyOctets)
                    {
                        throw new RspamdProtocolException($"reply longer than {_maxReplyOctets} octets");
                    }
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxReplyOctets + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            if (length > _maxReplyOctets)
            {
                throw new RspamdProtocolException($"reply longer than {_maxReplyOctets} octets");
            }
            return RspamdReply.Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void AddEnvelope(HttpRequestHeaders headers, ScanEnvelope? envelope)
    {
        if (envelope is null)
        {
            return;
        }
        var ip = envelope.Client.Address.IsIPv4MappedToIPv6 ? envelope.Client.Address.MapToIPv4() : envelope.Client.Address;
        headers.TryAddWithoutValidation("IP", ip.ToString());
        if (!string.IsNullOrEmpty(envelope.HeloName))
        {
            headers.TryAddWithoutValidation("Helo", HeaderSafe(envelope.HeloName));
        }
        headers.TryAddWithoutValidation("From", HeaderSafe(envelope.Sender));
        foreach (var rcpt in envelope.Recipients)
        {
            headers.TryAddWithoutValidation("Rcpt", HeaderSafe(rcpt));
        }
        headers.TryAddWithoutValidation("Queue-Id", envelope.QueueId);
        headers.TryAddWithoutValidation("MTA-Name", HeaderSafe(envelope.ServerName));
        if (envelope.AuthenticatedUser is { Length: > 0 } user)
        {
            headers.TryAddWithoutValidation("User", HeaderSafe(user));
        }
    }

    /// <summary>Envelope values come from the SMTP client: no CR, LF or NUL may reach the HTTP header block.</summary>
    private static string HeaderSafe(string value) => value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0 ? value : new string(value.Where(c => c is not '\r' and not '\n' and not '\0').ToArray());

    public void Dispose() => _http.Dispose();

    /// <summary>The message as the request body, written from its segments without a copy.</summary>
    private sealed class ScanMessageContent : HttpContent
    {
        private readonly ScanMessage _message;
        private readonly long _length;

        public ScanMessageContent(ScanMessage message, long maxOctets)
        {
            _message = message;
            _length = Math.Min(message.Length, maxOctets);
            Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _message.WriteToAsync(stream, _length, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _message.WriteToAsync(stream, _length, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
