using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Tests.Protocols.Smtp.Outbound;

/// <summary>
/// Debian postfix's <c>smtp-sink</c> (/usr/sbin/smtp-sink) as the remote MTA: listens on
/// <c>address:port</c>, dumps each received transaction into its own file (the sink puts X-Client-*,
/// X-Mail-Args, X-Rcpt-Args and a Received field in front of the message as received). Extra options
/// change its answers: <c>-f RCPT</c> hard (5xx) refusal, <c>-r RCPT</c> soft (4xx) refusal.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, IPAddress address, int port, string dumpDirectory)
    {
        _process = process;
        Address = address;
        Port = port;
        DumpDirectory = dumpDirectory;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public string DumpDirectory { get; }

    /// <summary>A free TCP port on <paramref name="address"/> (bound and released).</summary>
    public static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public static async Task<SmtpSink> StartAsync(IPAddress address, int port, params string[] options)
    {
        var dump = Path.Combine(Path.GetTempPath(), "mail-sink-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dump);
        if (!OperatingSystem.IsWindows())
        {
            // The sink drops privileges to nobody before writing its dumps.
            File.SetUnixFileMode(dump, (UnixFileMode)0b111_111_111);
        }
        var info = new ProcessStartInfo("/usr/sbin/smtp-sink") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Environment.UserName == "root")
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add("nobody");
        }
        info.ArgumentList.Add("-d");
        info.ArgumentList.Add(Path.Combine(dump, "%M."));
        foreach (var option in options)
        {
            info.ArgumentList.Add(option);
        }
        info.ArgumentList.Add($"{address}:{port}");
        info.ArgumentList.Add("64");
        var process = Process.Start(info)!;
        var sink = new SmtpSink(process, address, port, dump);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(address, port);
                return sink;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>The dumped transactions, oldest first (files complete: the sink writes a file when the transaction ends).</summary>
    public List<byte[]> Messages() =>
        Directory.EnumerateFiles(DumpDirectory).OrderBy(File.GetLastWriteTimeUtc).Select(File.ReadAllBytes).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DumpDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
