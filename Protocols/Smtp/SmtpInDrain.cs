using System.Collections.Concurrent;
using System.Globalization;

namespace Mail.Protocols.Smtp;

/// <summary>
/// Drain for maintenance (issue 5): while the flag file <c>{DataPath}/smtp-in/drain</c> exists, the MX listener
/// answers every new connection with <c>421 4.3.2 HOST Service shutting down, try again later</c> (RFC 5321
/// §3.8, RFC 3463 §3.4 "system not accepting network messages") and closes it, before the greeting; sessions
/// already open go on to their end (their DATA is still scanned and delivered). Removing the flag resumes.
/// </summary>
/// <remarks>
/// The listener looks at the flag every <see cref="SmtpInOptions.DrainPollMilliseconds"/> and then rewrites the
/// status file <c>{DataPath}/smtp-in/drain.status</c> (replaced by rename) when its content changed:
/// one line <c>accepting in-flight=N</c> or <c>draining in-flight=N</c>, N being the SMTP sessions open on this
/// node. <c>admin drain on|off|status</c> writes the flag and reads the status; the node is the only writer of
/// the status, the CLI the only writer of the flag. One SMTP-in node per data path.
/// </remarks>
public sealed class SmtpInDrain
{
    private readonly ConcurrentDictionary<object, byte> _sessions = new(ReferenceEqualityComparer.Instance);
    private volatile bool _draining;
    private string? _lastStatus;

    /// <summary>The folder of the flag and status files under the data path.</summary>
    public static string Folder(string dataPath) => Path.Combine(dataPath, "smtp-in");

    /// <summary>The flag file: present = drain.</summary>
    public static string FlagPath(string dataPath) => Path.Combine(Folder(dataPath), "drain");

    /// <summary>The status file the node writes: <c>accepting|draining in-flight=N</c>.</summary>
    public static string StatusPath(string dataPath) => Path.Combine(Folder(dataPath), "drain.status");

    /// <summary>True while new connections are refused.</summary>
    public bool Draining => _draining;

    /// <summary>SMTP sessions open on this node (greeted and not yet ended).</summary>
    public int InFlight => _sessions.Count;

    /// <summary>The status line for the current state.</summary>
    public string Status => string.Create(CultureInfo.InvariantCulture, $"{(_draining ? "draining" : "accepting")} in-flight={InFlight}");

    /// <summary>A session started; <paramref name="session"/> is its identity (SmtpServer's session context).</summary>
    internal void SessionStarted(object session) => _sessions.TryAdd(session, 0);

    /// <summary>A session ended (completed, faulted or cancelled); idempotent.</summary>
    internal void SessionEnded(object session) => _sessions.TryRemove(session, out _);

    /// <summary>Reads the flag under <paramref name="dataPath"/> and rewrites the status file when it changed.</summary>
    internal void Refresh(string dataPath)
    {
        _draining = File.Exists(FlagPath(dataPath));
        var status = Status;
        if (status == _lastStatus)
        {
            return;
        }
        var folder = Folder(dataPath);
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, "drain.status." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        File.WriteAllText(temporary, status + "\n");
        File.Move(temporary, StatusPath(dataPath), overwrite: true);
        _lastStatus = status;
    }

    /// <summary>Removes the status file (the node stops: nobody reports any more).</summary>
    internal void Clear(string dataPath)
    {
        File.Delete(StatusPath(dataPath));
        _lastStatus = null;
    }
}
