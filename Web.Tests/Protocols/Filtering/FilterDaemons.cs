namespace Mail.Web.Tests.Protocols.Filtering;

/// <summary>
/// Where the real spamd and clamd of scripts/services-filters.sh listen: <c>MAIL_TEST_SPAMD</c> and
/// <c>MAIL_TEST_CLAMD</c> (<c>host:port</c>), else the env file the script writes
/// (<c>$MAIL_SERVICES_DIR/filters/env.filters</c>, default /tmp/mail-services). Tests that need a
/// daemon fail with a message saying how to start it.
/// </summary>
internal static class FilterDaemons
{
    public static string Spamd => Answering(Get("MAIL_TEST_SPAMD", "spamd"), "spamd");

    public static string Clamd => Answering(Get("MAIL_TEST_CLAMD", "clamd"), "clamd");

    /// <summary>rspamd's base URL (<c>MAIL_TEST_RSPAMD</c>, else scripts/services-rspamd.sh's env file).</summary>
    public static string Rspamd
    {
        get
        {
            var url = Get("MAIL_TEST_RSPAMD", "rspamd", "rspamd/env.rspamd", "scripts/services-rspamd.sh");
            var uri = new Uri(url);
            Answering($"{uri.Host}:{uri.Port}", "rspamd", "scripts/services-rspamd.sh");
            return url;
        }
    }

    /// <summary>Fails the test with instructions when nothing accepts connections at <paramref name="endpoint"/>.</summary>
    private static string Answering(string endpoint, string daemon, string script = "scripts/services-filters.sh")
    {
        var colon = endpoint.LastIndexOf(':');
        try
        {
            using var probe = new System.Net.Sockets.TcpClient();
            probe.Connect(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            Assert.Fail($"{daemon} does not answer at {endpoint} ({ex.SocketErrorCode}). Start it with {script} (or scripts/services.sh).");
        }
        return endpoint;
    }

    /// <summary>The signature name clamd reports for EICAR with the script's database.</summary>
    public const string EicarSignature = "Mail.Test.EICAR-NDB.UNOFFICIAL";

    private static string Get(string variable, string daemon, string envFile = "filters/env.filters", string script = "scripts/services-filters.sh")
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }
        var dir = Environment.GetEnvironmentVariable("MAIL_SERVICES_DIR");
        var file = Path.Combine(string.IsNullOrEmpty(dir) ? "/tmp/mail-services" : dir, envFile);
        if (File.Exists(file))
        {
            foreach (var line in File.ReadLines(file))
            {
                var prefix = $"export {variable}=";
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Trim('\'');
                }
            }
        }
        Assert.Fail($"{daemon} is not available: {variable} is not set and {file} does not exist. " +
            $"Run {script} (installs and starts the daemon on 127.0.0.1) and export what it prints.");
        return "";
    }
}
