namespace Mail.Protocols.Smtp.Outbound.TlsReporting;

/// <summary>
/// The request file of <c>admin tlsrpt send</c>: its existence asks the running Outbound role to end the current
/// TLS report period and send the reports now; the server deletes it when they are sent (or queued).
/// </summary>
public static class TlsReportControl
{
    /// <summary><c>{dataPath}/tlsrpt/send-now</c>.</summary>
    public static string SendNowPath(string dataPath) => Path.Combine(Path.GetFullPath(dataPath), "tlsrpt", "send-now");

    /// <summary>Creates the request file (and its directory); returns its path.</summary>
    public static string RequestSendNow(string dataPath)
    {
        var path = SendNowPath(dataPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }
}
