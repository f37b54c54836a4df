using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mail.Protocols.Authentication;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// Which channel-binding types SCRAM-SHA-256-PLUS accepts on a connection (in memory): tls-exporter only when the
/// connection has one, tls-server-end-point always, tls-unique never, and a wrong <c>c=</c> fails at the proof.
/// </summary>
public sealed class TlsChannelBindingTests
{
    private static readonly X509Certificate2 Certificate = CreateCertificate();
    private static readonly byte[] ExporterValue = RandomNumberGenerator.GetBytes(32);

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static SaslConnection Tls(byte[]? exporter) =>
        SaslConnection.Create(IPAddress.Parse("192.0.2.9"), new TlsChannelBinding(Certificate, exporter));

    [Fact]
    public void Get_GivesExporterOnlyWhenPresent_AndNeverTlsUnique()
    {
        var without = new TlsChannelBinding(Certificate);
        var with = without.WithExporter(ExporterValue);
        Assert.False(without.HasExporter);
        Assert.Null(without.Get(TlsChannelBinding.Exporter));
        Assert.True(with.HasExporter);
        Assert.Equal(ExporterValue, with.Get(TlsChannelBinding.Exporter));
        Assert.Equal(SHA256.HashData(Certificate.RawData), with.Get(TlsChannelBinding.ServerEndPoint));
        Assert.Null(with.Get(TlsChannelBinding.Unique));
        Assert.Same(without, without.WithExporter(null));
        Assert.Throws<ArgumentException>(() => without.WithExporter(new byte[20]));
    }

    [Theory]
    [InlineData(true, TlsChannelBinding.Exporter, true)]
    [InlineData(false, TlsChannelBinding.Exporter, false)]
    [InlineData(true, TlsChannelBinding.ServerEndPoint, true)]
    [InlineData(false, TlsChannelBinding.ServerEndPoint, true)]
    [InlineData(true, TlsChannelBinding.Unique, false)]
    public async Task Plus_BindingType_AcceptedOnlyWhenTheConnectionHasIt(bool hasExporter, string type, bool succeeds)
    {
        var connection = Tls(hasExporter ? ExporterValue : null);
        var data = type == TlsChannelBinding.Exporter ? ExporterValue : SHA256.HashData(Certificate.RawData);
        var outcome = await RunAsync(connection, "SCRAM-SHA-256-PLUS", new ScramTestClient("alice@example.com", "password", $"p={type},,", data));
        Assert.Equal(succeeds ? SaslStepKind.Succeeded : SaslStepKind.Failed, outcome);
    }

    [Fact]
    public async Task Plus_ExporterWithOneOctetFlipped_FailsAtTheProof()
    {
        var wrong = (byte[])ExporterValue.Clone();
        wrong[7] ^= 0x01;
        var server = ScramSha256SaslServerTests.Authenticator().Create("SCRAM-SHA-256-PLUS", Tls(ExporterValue))!;
        var client = new ScramTestClient("alice@example.com", "password", "p=tls-exporter,,", wrong);
        var first = await server.StepAsync(Convert.FromBase64String(client.ClientFirst()), CancellationToken.None);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        var final = await server.StepAsync(Convert.FromBase64String(client.ClientFinal(Convert.ToBase64String(first.Challenge!))), CancellationToken.None);
        Assert.Equal(SaslStepKind.Failed, final.Kind);
    }

    [Theory]
    [InlineData("y,,", true, false)] // client could bind, thinks we cannot, while -PLUS is offered: downgrade
    [InlineData("y,,", false, false)] // still TLS: -PLUS with tls-server-end-point is offered
    [InlineData("n,,", true, true)]
    public async Task PlainScram_OnTls_RefusesFlagY(string gs2Header, bool hasExporter, bool succeeds)
    {
        var outcome = await RunAsync(Tls(hasExporter ? ExporterValue : null), "SCRAM-SHA-256", new ScramTestClient("alice@example.com", "password", gs2Header, null));
        Assert.Equal(succeeds ? SaslStepKind.Succeeded : SaslStepKind.Failed, outcome);
    }

    private static async Task<SaslStepKind> RunAsync(SaslConnection connection, string mechanism, ScramTestClient client)
    {
        var server = ScramSha256SaslServerTests.Authenticator().Create(mechanism, connection)!;
        var step = await server.StepAsync(Convert.FromBase64String(client.ClientFirst()), CancellationToken.None);
        if (step.Kind != SaslStepKind.Challenge)
        {
            return step.Kind;
        }
        step = await server.StepAsync(Convert.FromBase64String(client.ClientFinal(Convert.ToBase64String(step.Challenge!))), CancellationToken.None);
        if (step.Kind != SaslStepKind.Challenge)
        {
            return step.Kind;
        }
        Assert.True(client.VerifyServerFinal(Convert.ToBase64String(step.Challenge!)), Encoding.UTF8.GetString(step.Challenge!));
        return (await server.StepAsync([], CancellationToken.None)).Kind;
    }
}
