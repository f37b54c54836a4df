using System.Globalization;

namespace Mail.Web.Tests.Protocols.Imap.Fuzz;

/// <summary>Sockets a server process holds open on one local TCP port, read from <c>/proc/net/tcp</c>.</summary>
public static class ImapServerSockets
{
    /// <summary>
    /// Server-side connections on 127.0.0.1:<paramref name="port"/> that the process still holds: ESTABLISHED (01)
    /// or CLOSE_WAIT (08, the peer closed and the server has not). LISTEN and TIME_WAIT are not connections.
    /// </summary>
    public static int Open(int port)
    {
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[1].EndsWith(hexPort, StringComparison.Ordinal) && f[3] is "01" or "08");
    }

    /// <summary>Polls until <see cref="Open"/> is 0; returns the last count (0 on success).</summary>
    public static async Task<int> WaitForZeroAsync(int port, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        int open;
        while ((open = Open(port)) > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        return open;
    }

    /// <summary>Resident set size of a process in KiB (<c>VmRSS</c> of <c>/proc/pid/status</c>).</summary>
    public static long RssKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
