using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Tests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for a server started as a separate process.</summary>
/// <remarks>
/// The port is found by binding port 0 and releasing it, so another process could take it before the
/// server binds; the ports the kernel hands out rotate, which makes that unlikely, and
/// <see cref="MailServerProcess"/> reports a bind failure clearly if it happens.
/// </remarks>
public static class FreePorts
{
    /// <summary>Returns <paramref name="count"/> distinct free ports.</summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
