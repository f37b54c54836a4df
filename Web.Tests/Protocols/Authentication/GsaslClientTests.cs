using System.Text;
using Mail.Protocols.Hosting;
using Mail.Shared.Hosting;
using Mail.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// GNU SASL's command-line client (<c>gsasl</c> 2.2, Debian package, installed by scripts/services.sh) on GnuTLS: a
/// client and TLS stack written by others, which binds SCRAM-SHA-256-PLUS with tls-exporter on TLS 1.3 by itself.
/// </summary>
[Collection(MailHostCollection.Name)]
public sealed class GsaslClientTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly MailHostFixture _host;
    private readonly string _caFile;

    public GsaslClientTests(MailHostFixture host)
    {
        _host = host;
        _caFile = Path.Combine(Path.GetTempPath(), $"gsasl-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(_caFile, _host.Services.GetRequiredService<TlsCertificateProvider>().Certificate.ExportCertificatePem());
    }

    public void Dispose() => File.Delete(_caFile);

    private Task<ExternalResult> RunAsync(string protocol, string endpoint, string password) => ExternalProcess.RunAsync("gsasl",
    [
        "--" + protocol, "--connect", $"127.0.0.1:{_host.Endpoint(endpoint).Port}", "--x509-ca-file", _caFile,
        "--mechanism", "SCRAM-SHA-256-PLUS", "--authentication-id", MailHostFixture.Alice, "--password", password, "--verbose",
    ], Timeout);

    /// <summary>The client-first-message gsasl sent, decoded from the transcript.</summary>
    private static string ClientFirst(ExternalResult result)
    {
        foreach (var line in (result.StandardOutput + "\n" + result.StandardError).Split('\n'))
        {
            foreach (var word in line.Trim().Split(' '))
            {
                try
                {
                    var text = Encoding.UTF8.GetString(Convert.FromBase64String(word));
                    if (text.StartsWith("p=", StringComparison.Ordinal) || text.StartsWith("n,", StringComparison.Ordinal) || text.StartsWith("y,", StringComparison.Ordinal))
                    {
                        return text;
                    }
                }
                catch (FormatException)
                {
                    // Not a base64 word.
                }
            }
        }
        return "";
    }

    [Theory]
    [InlineData("imap", MailEndpoints.Imap)]
    [InlineData("smtp", MailEndpoints.Submission)]
    public async Task Gsasl_ScramPlus_BindsWithTlsExporter_AndAuthenticates(string protocol, string endpoint)
    {
        var result = await RunAsync(protocol, endpoint, MailHostFixture.Password);
        Assert.True(result.ExitCode == 0, result.Transcript);
        Assert.StartsWith("p=tls-exporter,", ClientFirst(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gsasl_ScramPlus_WrongPassword_Fails()
    {
        var result = await RunAsync("imap", MailEndpoints.Imap, "wrong");
        Assert.True(result.ExitCode != 0, result.Transcript);
    }
}
