using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace Mail.Protocols.Authentication;

/// <summary>
/// The <c>tls-exporter</c> channel binding (RFC 9266 §2) of a server-side <see cref="SslStream"/>: 32 octets of
/// keying material exported (RFC 5705, RFC 8446 §7.5) with the label <c>EXPORTER-Channel-Binding</c> and an empty
/// context.
/// </summary>
/// <remarks>
/// <para><b>Why this reaches into OpenSSL.</b> .NET 10 has no supported exporter API: <c>SslStream</c> offers only
/// <c>TransportContext.GetChannelBinding</c> with <c>ChannelBindingKind.Endpoint/Unique</c> (the RFC 5929 types), and
/// the proposal to add <c>SslStream.ExportKeyingMaterial</c> (dotnet/runtime#112529) is still open. On Linux
/// <c>SslStream</c> runs on the system OpenSSL: its private <c>_securityContext</c> field holds a
/// <c>Microsoft.Win32.SafeHandles.SafeSslHandle</c> whose handle is the connection's <c>SSL*</c>, and libssl exports
/// <c>SSL_export_keying_material(SSL*, out, olen, label, llen, context, contextlen, use_context)</c> since 1.0.1.
/// Checked on this runtime (10.0) against OpenSSL 3.0: the value equals what <c>openssl s_client -keymatexport
/// EXPORTER-Channel-Binding -keymatexportlen 32</c> prints for the same connection (Web.Tests TlsExporterScramTests).</para>
/// <para><b>Why it is safe.</b> Every step fails closed (null: the connection simply has no <c>tls-exporter</c>
/// binding, and a client asking for it fails like a wrong password):</para>
/// <list type="bullet">
/// <item>Linux only, and only when the field exists and holds exactly the <c>SafeSslHandle</c> type (a runtime that
/// renames it, or another TLS backend such as Schannel, Apple or Android, gives null).</item>
/// <item>The libssl called is the one the runtime itself loaded: the only <c>libssl.so*</c> mapped in the process
/// (<c>/proc/self/maps</c>), loaded by that exact path; none or several mapped gives null, so a pointer from one
/// OpenSSL is never handed to another.</item>
/// <item>The handle is pinned with <c>DangerousAddRef</c> for the call, so the <c>SSL*</c> cannot be freed under it,
/// and the call is made right after <c>AuthenticateAsServerAsync</c> returns, before the session starts reading or
/// writing, so no other thread uses the <c>SSL*</c> at the same time (OpenSSL objects are not thread-safe).</item>
/// <item>TLS 1.3 only, checked on both sides (<see cref="SslStream.SslProtocol"/> and <c>SSL_version</c> =
/// <c>0x0304</c>). TLS 1.3 has no renegotiation (RFC 9266 §3 forbids <c>tls-exporter</c> when renegotiation is
/// possible) and its exporter is unique per connection, resumption included. On TLS 1.2 the binding is not offered
/// even with extended master secret: RFC 9266 asks for a zero-length context, but clients differ (OpenSSL's s_client,
/// Go and GnuTLS export with <em>no</em> context, which on TLS 1.2 is a different value, RFC 5705 §4), so a
/// TLS 1.2 <c>tls-exporter</c> would be a coin toss; such clients keep <c>tls-server-end-point</c>.</item>
/// </list>
/// </remarks>
internal static unsafe class TlsExporter
{
    /// <summary>RFC 9266 §2 exporter label, ASCII without NUL.</summary>
    private static ReadOnlySpan<byte> Label => "EXPORTER-Channel-Binding"u8;

    /// <summary>RFC 9266 §2: 32 octets.</summary>
    public const int BindingOctets = 32;

    private const int Tls13Version = 0x0304;
    private const string SafeSslHandleType = "Microsoft.Win32.SafeHandles.SafeSslHandle";

    private static readonly FieldInfo? ContextField =
        typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly object Gate = new();
    private static LibSsl? _libSsl;
    private static bool _resolved;

    /// <summary>
    /// The 32-octet <c>tls-exporter</c> binding of <paramref name="ssl"/>, or null when it cannot be obtained safely
    /// (see remarks of the type). Call right after the server handshake, before any read or write on the stream.
    /// </summary>
    public static byte[]? ChannelBinding(SslStream ssl)
    {
        ArgumentNullException.ThrowIfNull(ssl);
        if (!OperatingSystem.IsLinux() || ssl.SslProtocol != SslProtocols.Tls13 || ContextField is null)
        {
            return null;
        }
        try
        {
            if (ContextField.GetValue(ssl) is not SafeHandle handle || handle.GetType().FullName != SafeSslHandleType
                || LibSslOfProcess() is not { } libSsl)
            {
                return null;
            }
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (handle.IsInvalid || handle.IsClosed)
                {
                    return null;
                }
                var sslPointer = handle.DangerousGetHandle();
                if (libSsl.Version(sslPointer) != Tls13Version)
                {
                    return null;
                }
                var output = new byte[BindingOctets];
                fixed (byte* label = Label)
                fixed (byte* destination = output)
                {
                    // use_context = 1 with a zero-length context (RFC 9266 §2); on TLS 1.3 this equals "no context".
                    var ok = libSsl.Export(sslPointer, destination, BindingOctets, label, (nuint)Label.Length, null, 0, 1);
                    return ok == 1 ? output : null;
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
        catch (Exception ex) when (ex is MemberAccessException or TargetException or ArgumentException or ObjectDisposedException
            or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The libssl the runtime loaded: the single <c>libssl.so*</c> in <c>/proc/self/maps</c>, opened by that path.
    /// Nothing mapped yet (no handshake so far) is not remembered; several mapped, or missing exports, is final.
    /// </summary>
    private static LibSsl? LibSslOfProcess()
    {
        lock (Gate)
        {
            if (_resolved)
            {
                return _libSsl;
            }
            var mapped = MappedLibSsl();
            if (mapped.Count == 0)
            {
                return null;
            }
            _resolved = true;
            if (mapped.Count == 1 && NativeLibrary.TryLoad(mapped[0], out var library)
                && NativeLibrary.TryGetExport(library, "SSL_export_keying_material", out var export)
                && NativeLibrary.TryGetExport(library, "SSL_version", out var version))
            {
                _libSsl = new LibSsl(
                    (delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte*, nuint, int, int>)export,
                    (delegate* unmanaged<nint, int>)version);
            }
            return _libSsl;
        }
    }

    private static List<string> MappedLibSsl()
    {
        var paths = new List<string>(1);
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue;
            }
            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith("libssl.so", StringComparison.Ordinal) && !paths.Contains(path))
            {
                paths.Add(path);
            }
        }
        return paths;
    }

    /// <summary>The two libssl entry points used, resolved from the runtime's own libssl.</summary>
    private sealed class LibSsl(
        delegate* unmanaged<nint, byte*, nuint, byte*, nuint, byte*, nuint, int, int> export,
        delegate* unmanaged<nint, int> version)
    {
        /// <summary><c>int SSL_export_keying_material(SSL*, unsigned char* out, size_t olen, const char* label, size_t llen, const unsigned char* context, size_t contextlen, int use_context)</c>: 1 on success.</summary>
        public int Export(nint ssl, byte* output, nuint outputLength, byte* label, nuint labelLength, byte* context, nuint contextLength, int useContext) =>
            export(ssl, output, outputLength, label, labelLength, context, contextLength, useContext);

        /// <summary><c>int SSL_version(const SSL*)</c>: the negotiated protocol (<c>0x0304</c> for TLS 1.3).</summary>
        public int Version(nint ssl) => version(ssl);
    }
}
