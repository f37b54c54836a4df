using System.Net;
using System.Security.Cryptography;
using System.Text;
using Mail.Protocols.Authentication;
using Mail.Shared.Directory;
using Mail.Shared.Directory.Scram;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>The SCRAM-SHA-256 server against RFC 7677's test vector and against MailKit's client mechanism (in memory).</summary>
public sealed class ScramSha256SaslServerTests
{
    private static readonly SaslConnection Loopback = SaslConnection.Create(IPAddress.Loopback, null);

    [Fact]
    public void Credential_Rfc7677Vector_GivesTheServerSignatureOfTheRfc()
    {
        // RFC 7677 §3: user "user", password "pencil".
        var credential = ScramSha256Credential.Derive("pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        const string clientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
        const string serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        const string withoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        var authMessage = Encoding.UTF8.GetBytes(clientFirstBare + "," + serverFirst + "," + withoutProof);

        var serverSignature = HMACSHA256.HashData(credential.ServerKey, authMessage);
        Assert.Equal("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", Convert.ToBase64String(serverSignature));
        // The client proof of the RFC verifies against the stored key.
        var proof = Convert.FromBase64String("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        var signature = HMACSHA256.HashData(credential.StoredKey, authMessage);
        var clientKey = proof.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.Equal(credential.StoredKey, SHA256.HashData(clientKey));
    }

    [Fact]
    public void Credential_TextForm_RoundTripsAndVerifiesPassword()
    {
        var credential = ScramSha256Credential.Create("secret");
        var text = credential.Format();
        Assert.StartsWith("{SCRAM-SHA-256}4096,", text, StringComparison.Ordinal);
        Assert.True(ScramSha256Credential.TryParse(text, out var parsed));
        Assert.True(parsed.Verify("secret"));
        Assert.False(parsed.Verify("Secret"));
        Assert.False(ScramSha256Credential.TryParse("{SCRAM-SHA-256}4096,abc", out _));
    }

    [Theory]
    [InlineData("alice@example.com", "password", true)]
    [InlineData("alice@example.com", "wrong", false)]
    [InlineData("nobody@example.com", "password", false)]
    [InlineData("nokeys@example.com", "password", false)]
    public async Task MailKitClient_AgainstServer_SucceedsOnlyWithRightPassword(string user, string password, bool succeeds)
    {
        var authenticator = Authenticator();
        var server = authenticator.Create("SCRAM-SHA-256", Loopback)!;
        var client = new SaslMechanismScramSha256(new NetworkCredential(user, password));

        var (outcome, rounds) = await RunAsync(server, client);

        Assert.Equal(succeeds ? SaslStepKind.Succeeded : SaslStepKind.Failed, outcome);
        // Unknown user, user without keys and wrong password fail at the same step.
        Assert.Equal(succeeds ? 3 : 2, rounds);
        Assert.Equal(succeeds, client.IsAuthenticated);
    }

    [Fact]
    public async Task UnknownUser_SaltIsStablePerName()
    {
        var authenticator = Authenticator();
        async Task<string> SaltAsync(string user)
        {
            var server = authenticator.Create("SCRAM-SHA-256", Loopback)!;
            var step = await server.StepAsync(Encoding.UTF8.GetBytes($"n,,n={user},r=abcdefgh"), CancellationToken.None);
            return Encoding.UTF8.GetString(step.Challenge!).Split(',')[1];
        }
        Assert.Equal(await SaltAsync("ghost@example.com"), await SaltAsync("ghost@example.com"));
        Assert.NotEqual(await SaltAsync("ghost@example.com"), await SaltAsync("other@example.com"));
        Assert.StartsWith("s=", await SaltAsync("nobody@example.com"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p=tls-server-end-point,,n=alice@example.com,r=abc")] // channel binding on the plain mechanism
    [InlineData("x,,n=alice@example.com,r=abc")]
    public async Task ClientFirst_WrongBindingFlag_Fails(string clientFirst)
    {
        var server = Authenticator().Create("SCRAM-SHA-256", Loopback)!;
        var step = await server.StepAsync(Encoding.UTF8.GetBytes(clientFirst), CancellationToken.None);
        Assert.Equal(SaslStepKind.Failed, step.Kind);
    }

    [Theory]
    [InlineData("n,,r=abc")]
    [InlineData("n,,n=alice@example.com")]
    [InlineData("n,,n=bad=name,r=abc")]
    [InlineData("n,")]
    public async Task ClientFirst_Malformed_IsBad(string clientFirst)
    {
        var server = Authenticator().Create("SCRAM-SHA-256", Loopback)!;
        var step = await server.StepAsync(Encoding.UTF8.GetBytes(clientFirst), CancellationToken.None);
        Assert.Equal(SaslStepKind.Malformed, step.Kind);
    }

    [Fact]
    public void PlusMechanism_WithoutTls_IsNotOffered()
    {
        var authenticator = Authenticator();
        Assert.DoesNotContain("SCRAM-SHA-256-PLUS", authenticator.Mechanisms(Loopback));
        Assert.Null(authenticator.Create("SCRAM-SHA-256-PLUS", Loopback));
        Assert.Equal(["SCRAM-SHA-256", "PLAIN", "LOGIN"], authenticator.Mechanisms(Loopback));
        Assert.Equal(["SCRAM-SHA-256"], authenticator.Mechanisms(SaslConnection.Create(IPAddress.Parse("192.0.2.7"), null)));
    }

    private static async Task<(SaslStepKind Outcome, int Rounds)> RunAsync(SaslServerMechanism server, SaslMechanism client)
    {
        var response = Convert.FromBase64String(client.Challenge(null, CancellationToken.None));
        for (var rounds = 1; rounds < 10; rounds++)
        {
            var step = await server.StepAsync(response, CancellationToken.None);
            if (step.Kind != SaslStepKind.Challenge)
            {
                return (step.Kind, rounds);
            }
            response = Convert.FromBase64String(client.Challenge(Convert.ToBase64String(step.Challenge!), CancellationToken.None));
        }
        throw new InvalidOperationException("no end");
    }

    internal static SaslAuthenticator Authenticator()
    {
        var options = Options.Create(new AuthenticationOptions { FirstFailureDelay = TimeSpan.Zero });
        var throttle = new AuthFailureThrottle(options, TimeProvider.System, NullLogger<AuthFailureThrottle>.Instance);
        return new SaslAuthenticator(new FakeDirectory(), throttle, options, NullLogger<SaslAuthenticator>.Instance);
    }

    /// <summary>alice (password "password", with SCRAM keys), nokeys (same password, no SCRAM keys).</summary>
    private sealed class FakeDirectory : IMailDirectory, IScramCredentialStore
    {
        private static readonly ScramSha256Credential AliceKeys = ScramSha256Credential.Create("password");

        public Task<DirectoryUser?> FindUserAsync(string address, CancellationToken cancellationToken) => Task.FromResult(User(address));

        public Task<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => Task.FromResult(domain == "example.com");

        public Task<RecipientResolution> ResolveRecipientAsync(string address, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DirectoryUser?> AuthenticateAsync(string login, string password, CancellationToken cancellationToken) =>
            Task.FromResult(password == "password" ? User(login) : null);

        public Task<ScramUserCredential?> FindScramSha256Async(string login, CancellationToken cancellationToken) =>
            Task.FromResult(login == "alice@example.com" ? new ScramUserCredential(User(login)!, AliceKeys) : null);

        private static DirectoryUser? User(string address) =>
            address is "alice@example.com" or "nokeys@example.com" ? new DirectoryUser(address, "", "", 0, true) : null;
    }
}
