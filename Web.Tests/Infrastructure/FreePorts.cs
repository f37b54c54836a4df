using System.Net;
using System.Net.Sockets;

namespace Mail.Web.Tests.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for a server started as a separate process.</summary>
/// <remarks>
/// The ports come from 20000-32767, below Linux's ephemeral range (32768-60999): a server killed and
/// restarted on the same ports (<see cref="MailServerProcess.RestartAsync"/>) must not find one of them taken
/// by the local end of some other test's outgoing connection meanwhile. Each candidate is checked by binding
/// it; another process could still take it before the server binds, which <see cref="MailServerProcess"/>
/// reports clearly.
/// </remarks>
public static class FreePorts
{
    private const int First = 20000;
    private const int Last = 32767;

    /// <summary>Returns <paramref name="count"/> distinct free ports.</summary>
    /// <exception cref="InvalidOperationException">No free ports found after many tries.</exception>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var attempt = 0; listeners.Count < count && attempt < 1000; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(First, Last + 1));
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
            if (listeners.Count < count)
            {
                throw new InvalidOperationException($"Found only {listeners.Count} of {count} free ports in {First}-{Last}.");
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
