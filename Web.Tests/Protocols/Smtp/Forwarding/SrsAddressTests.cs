using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mail.Protocols.Smtp.Forwarding;

namespace Mail.Web.Tests.Protocols.Smtp.Forwarding;

/// <summary>SRS0 rewriting and reversal, and interoperation with Debian's postsrsd (libsrs2's algorithm) in both directions.</summary>
public sealed class SrsAddressTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("tops3cret");
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static SrsAddress Srs(params byte[][] keys) => new("fwd.example", keys.Length > 0 ? keys : [Key], 21);

    [Fact]
    public void Forward_ThenReverse_GivesTheOriginalSender()
    {
        var srs = Srs();

        var rewritten = srs.Forward("Bob.Smith@Origin.example", Now);

        Assert.Matches("^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=Origin.example=Bob.Smith@fwd.example$", rewritten);
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now.AddDays(3), out var original));
        Assert.Equal("Bob.Smith@Origin.example", original);
        // Receiving MTAs may fold the case of the local part.
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten.ToLowerInvariant(), Now, out var folded));
        Assert.Equal("bob.smith@origin.example", folded);
    }

    [Fact]
    public void Forward_NullSenderAndOwnDomain_AreNotRewritten()
    {
        var srs = Srs();

        Assert.Equal("", srs.Forward("", Now));
        Assert.Equal("alice@FWD.example", srs.Forward("alice@FWD.example", Now));
    }

    [Fact]
    public void Forward_LocalPartWithEquals_RoundTrips()
    {
        var srs = Srs();
        var rewritten = srs.Forward("a=b=c@origin.example", Now);

        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now, out var original));
        Assert.Equal("a=b=c@origin.example", original);
    }

    [Theory]
    [InlineData("SRS0=AAAA=JT=origin.example=bob@fwd.example")] // forged hash
    [InlineData("SRS0=JT=origin.example=bob@fwd.example")] // malformed
    [InlineData("SRS0=Bd3U=J!=origin.example=bob@fwd.example")] // bad timestamp
    public void Reverse_ForgedOrMalformed_IsBadHash(string address)
    {
        Assert.Equal(SrsReverseResult.BadHash, Srs().Reverse(address, Now, out _));
    }

    [Fact]
    public void Reverse_OlderThanMaxAge_IsExpired()
    {
        var srs = Srs();
        var rewritten = srs.Forward("bob@origin.example", Now);

        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now.AddDays(21), out _));
        Assert.Equal(SrsReverseResult.Expired, srs.Reverse(rewritten, Now.AddDays(22), out _));
    }

    [Theory]
    [InlineData("bob@fwd.example")]
    [InlineData("SRS0=Bd3U=JT=origin.example=bob@other.example")]
    [InlineData("srs0xyz@fwd.example")]
    public void Reverse_NotOurSrsAddress_IsNotSrs(string address)
    {
        Assert.Equal(SrsReverseResult.NotSrs, Srs().Reverse(address, Now, out _));
    }

    [Fact]
    public void Reverse_OldKeyStillVerifies_NewKeySigns()
    {
        var oldKey = Encoding.UTF8.GetBytes("old");
        var signedWithOld = Srs(oldKey).Forward("bob@origin.example", Now);
        var rotated = Srs(Key, oldKey);

        Assert.Equal(SrsReverseResult.Valid, rotated.Reverse(signedWithOld, Now, out _));
        Assert.Equal(SrsReverseResult.BadHash, Srs(Key).Reverse(signedWithOld, Now, out _));
        Assert.Equal(SrsReverseResult.Valid, Srs(Key).Reverse(rotated.Forward("bob@origin.example", Now), Now, out _));
    }

    [Fact]
    public async Task Postsrsd_ReversesOurAddresses_AndWeReverseItsAddresses()
    {
        Assert.True(File.Exists("/usr/sbin/postsrsd"), "/usr/sbin/postsrsd is missing: run scripts/services.sh install (package postsrsd).");
        var dir = Path.Combine(Path.GetTempPath(), "postsrsd-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var secret = Path.Combine(dir, "secret");
        await File.WriteAllTextAsync(secret, "tops3cret");
        var (forwardPort, reversePort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("/usr/sbin/postsrsd") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-s" + secret, "-dfwd.example", "-l127.0.0.1", "-4", $"-f{forwardPort}", $"-r{reversePort}" })
        {
            start.ArgumentList.Add(arg);
        }
        using var postsrsd = Process.Start(start)!;
        try
        {
            var ours = Srs().Forward("carol@origin.example", DateTimeOffset.UtcNow);
            Assert.Equal("200 carol@origin.example", await QueryAsync(reversePort, ours));

            var theirs = (await QueryAsync(forwardPort, "dave@origin.example"))["200 ".Length..];
            Assert.StartsWith("SRS0=", theirs, StringComparison.Ordinal);
            Assert.Equal(theirs, Srs().Forward("dave@origin.example", DateTimeOffset.UtcNow)); // same algorithm, same key, same day
            Assert.Equal(SrsReverseResult.Valid, Srs().Reverse(theirs, DateTimeOffset.UtcNow, out var original));
            Assert.Equal("dave@origin.example", original);
        }
        finally
        {
            postsrsd.Kill();
            await postsrsd.WaitForExitAsync();
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One Postfix tcp_table query (<c>get KEY</c>), retried until postsrsd listens.</summary>
    private static async Task<string> QueryAsync(int port, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"get {key}\n"));
                using var reader = new StreamReader(stream, Encoding.ASCII);
                return (await reader.ReadLineAsync())!;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
