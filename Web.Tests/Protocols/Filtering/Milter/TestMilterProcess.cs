using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mail.Web.Tests.Infrastructure;

namespace Mail.Web.Tests.Protocols.Filtering.Milter;

/// <summary>
/// The real test milter (test_milter.py on Debian's python3-milter, i.e. libmilter) in its own process on a free
/// port of 127.0.0.1. Uses /usr/bin/python3: the Debian module is not visible to another python3 on the PATH.
/// </summary>
internal sealed class TestMilterProcess : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    private readonly Process _process;

    private TestMilterProcess(Process process, int port)
    {
        _process = process;
        Endpoint = "127.0.0.1:" + port;
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Endpoint { get; }

    public static async Task<TestMilterProcess> StartAsync()
    {
        Assert.True(File.Exists(Python), "python3 (Debian) is missing: run scripts/services-rspamd.sh, which installs python3-milter.");
        var script = Path.Combine(TestPaths.RepoRoot, "Web.Tests", "Protocols", "Filtering", "Milter", "test_milter.py");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var milter = new TestMilterProcess(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return milter;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "";
                await milter.DisposeAsync();
                Assert.Fail($"test milter did not listen on {port}: {error} (is python3-milter installed? scripts/services-rspamd.sh installs it)");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
