using System.Diagnostics;
using System.Text;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// An interactive <c>openssl s_client</c> session: an independent TLS stack (OpenSSL's own client) whose stdin and
/// stdout carry the protocol lines, and which prints the connection's RFC 9266 <c>tls-exporter</c> value
/// (<c>-keymatexport EXPORTER-Channel-Binding -keymatexportlen 32</c>) right after the handshake.
/// </summary>
internal sealed class OpenSslClient : IAsyncDisposable
{
    /// <summary>Longest wait for one line (generous: the machine is shared).</summary>
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(30);

    private const string KeyingMaterialPrefix = "    Keying material: ";

    private readonly Process _process;
    private readonly StringBuilder _transcript = new();
    private readonly Task<string> _stderr;

    private OpenSslClient(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The 32-octet keying material OpenSSL exported for this connection.</summary>
    public byte[] Exporter { get; private set; } = [];

    /// <summary>What was read and written so far, for assertion messages.</summary>
    public string Transcript => _transcript.ToString();

    /// <summary>
    /// Connects to 127.0.0.1:<paramref name="port"/> (<paramref name="startTls"/>: <c>imap</c>, <c>pop3</c>,
    /// <c>smtp</c>, or null for implicit TLS) and waits for the exported keying material.
    /// </summary>
    /// <param name="extra">More s_client options (<c>-tls1_2</c>).</param>
    public static async Task<OpenSslClient> ConnectAsync(int port, string? startTls, params string[] extra)
    {
        var info = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
        {
            "s_client", "-connect", $"127.0.0.1:{port}", "-keymatexport", "EXPORTER-Channel-Binding", "-keymatexportlen", "32",
            // No command letters (a base64 line starting with R or Q must not renegotiate or quit), stop on stdin EOF.
            "-nocommands", "-no_ign_eof",
        })
        {
            info.ArgumentList.Add(argument);
        }
        if (startTls is not null)
        {
            info.ArgumentList.Add("-starttls");
            info.ArgumentList.Add(startTls);
        }
        foreach (var argument in extra)
        {
            info.ArgumentList.Add(argument);
        }
        var client = new OpenSslClient(Process.Start(info) ?? throw new InvalidOperationException("openssl did not start"));
        var line = await client.ReadLineAsync(l => l.StartsWith(KeyingMaterialPrefix, StringComparison.Ordinal));
        client.Exporter = Convert.FromHexString(line[KeyingMaterialPrefix.Length..].Trim());
        Assert.Equal(32, client.Exporter.Length);
        return client;
    }

    /// <summary>Sends one protocol line (CRLF added).</summary>
    public async Task WriteLineAsync(string line)
    {
        _transcript.Append("C: ").AppendLine(line);
        await _process.StandardInput.WriteAsync(line + "\r\n");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Reads stdout lines until one satisfies <paramref name="match"/> and returns it (CR removed); s_client's own
    /// reports (certificate chain, session tickets) are skipped by the same rule.
    /// </summary>
    /// <exception cref="Xunit.Sdk.XunitException">End of output or <see cref="LineTimeout"/> first.</exception>
    public async Task<string> ReadLineAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(LineTimeout);
        while (true)
        {
            string? line;
            try
            {
                line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"no matching line within {LineTimeout.TotalSeconds} s\n{Transcript}");
            }
            if (line is null)
            {
                throw new Xunit.Sdk.XunitException($"s_client output ended\n{Transcript}\n--- stderr\n{await _stderr}");
            }
            line = line.TrimEnd('\r');
            _transcript.Append("S: ").AppendLine(line);
            if (match(line))
            {
                return line;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(exit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
