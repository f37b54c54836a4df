using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mail.Protocols.Smtp.Forwarding;

namespace Mail.Web.Tests.Protocols.Smtp.Forwarding;

/// <summary>SRS0 and SRS1 rewriting and reversal, and interoperation with Debian's postsrsd (libsrs2's algorithm) in both directions.</summary>
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
    public void Forward_OtherForwardersSrs0_BecomesSrs1_BounceGoesBackOneHop()
    {
        var srs = Srs();
        var first = new SrsAddress("first.example", [Encoding.UTF8.GetBytes("their key")], 21).Forward("bob@origin.example", Now);

        var rewritten = srs.Forward(first, Now);

        // SRS1=HHHH=first-forwarder==<their hash>=<their stamp>=origin.example=bob: their SRS0 part kept, not nested in an SRS0.
        Assert.Matches("^SRS1=[A-Za-z0-9+/]{4}=first\\.example==[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=origin\\.example=bob@fwd\\.example$", rewritten);
        Assert.EndsWith(first[4..first.IndexOf('@', StringComparison.Ordinal)] + "@fwd.example", rewritten, StringComparison.Ordinal);
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now, out var previousHop));
        Assert.Equal(first, previousHop);
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten.ToLowerInvariant(), Now, out var folded));
        Assert.Equal("SRS0" + first.ToLowerInvariant()[4..], folded);
    }

    [Theory]
    [InlineData('=')]
    [InlineData('+')]
    [InlineData('-')]
    public void Forward_Srs0WithAnySeparator_KeepsTheSeparatorInTheOpaquePart(char separator)
    {
        var srs = Srs();
        var sender = $"SRS0{separator}AbC+=JT=origin.example=bob@first.example";

        var rewritten = srs.Forward(sender, Now);

        Assert.StartsWith("SRS1=", rewritten, StringComparison.Ordinal);
        Assert.EndsWith($"=first.example={separator}AbC+=JT=origin.example=bob@fwd.example", rewritten, StringComparison.Ordinal);
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now, out var previousHop));
        Assert.Equal(sender, previousHop);
    }

    [Fact]
    public void Forward_Srs1FromAnotherForwarder_StaysOneLevel_AndPointsAtTheFirstForwarder()
    {
        var srs = Srs();
        var first = "SRS0=AbCd=JT=origin.example=bob@first.example";
        var second = new SrsAddress("second.example", [Encoding.UTF8.GetBytes("second key")], 21).Forward(first, Now);
        Assert.StartsWith("SRS1=", second, StringComparison.Ordinal);

        var rewritten = srs.Forward(second, Now);

        Assert.Equal(srs.Forward(first, Now), rewritten); // same address as if it came straight from the first forwarder
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(rewritten, "SRS"));
        Assert.DoesNotContain("second.example", rewritten, StringComparison.Ordinal);
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now, out var previousHop));
        Assert.Equal(first, previousHop);
    }

    [Fact]
    public void Forward_OurOwnSrsAddresses_AreNotRewrittenAgain()
    {
        var srs = Srs();
        var srs0 = srs.Forward("bob@origin.example", Now);
        var srs1 = srs.Forward("SRS0=AbCd=JT=origin.example=bob@first.example", Now);

        Assert.Equal(srs0, srs.Forward(srs0, Now));
        Assert.Equal(srs1, srs.Forward(srs1, Now));
    }

    [Fact]
    public void Reverse_Srs1_ChecksTheHashNotAnAge()
    {
        var srs = Srs();
        var rewritten = srs.Forward("SRS0=AbCd=JT=origin.example=bob@first.example", Now);
        var hash = rewritten.Split('=')[1];
        var forged = rewritten.Replace("=" + hash + "=", hash == "AAAA" ? "=BBBB=" : "=AAAA=", StringComparison.Ordinal);
        var otherHost = rewritten.Replace("=first.example=", "=evil.example=", StringComparison.Ordinal);

        Assert.Equal(SrsReverseResult.BadHash, srs.Reverse(forged, Now, out _));
        Assert.Equal(SrsReverseResult.BadHash, srs.Reverse(otherHost, Now, out _));
        Assert.Equal(SrsReverseResult.BadHash, Srs(Encoding.UTF8.GetBytes("another key")).Reverse(rewritten, Now, out _));
        // SRS1 has no timestamp of its own (libsrs2): the first forwarder checks the age of its SRS0 part.
        Assert.Equal(SrsReverseResult.Valid, srs.Reverse(rewritten, Now.AddDays(400), out _));
    }

    [Theory]
    [InlineData("SRS1=@fwd.example")]
    [InlineData("SRS1=AbCd@fwd.example")]
    [InlineData("SRS1=AbCd=first.example@fwd.example")]
    [InlineData("SRS1==first.example==AbCd=JT=origin.example=bob@fwd.example")]
    [InlineData("SRS1=AbCdE=first.example==AbCd=JT=origin.example=bob@fwd.example")]
    public void Reverse_MalformedSrs1_IsBadHash(string address)
    {
        Assert.Equal(SrsReverseResult.BadHash, Srs().Reverse(address, Now, out _));
    }

    [Fact]
    public void Reverse_Srs1OfAnotherDomain_IsNotSrs()
    {
        var theirs = Srs().Forward("SRS0=AbCd=JT=origin.example=bob@first.example", Now).Replace("@fwd.example", "@other.example", StringComparison.Ordinal);

        Assert.Equal(SrsReverseResult.NotSrs, Srs().Reverse(theirs, Now, out _));
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

            // SRS1 (libsrs2's srs_compile_guarded / srs_parse_guarded): the same rewrite of another forwarder's SRS0 and SRS1
            // address in both implementations, and each reverses the other's SRS1 one hop back.
            const string otherSrs0 = "SRS0=AbCd=JT=origin.example=erin@first.example";
            var theirSrs1 = (await QueryAsync(forwardPort, otherSrs0))["200 ".Length..];
            Assert.Equal(theirSrs1, Srs().Forward(otherSrs0, DateTimeOffset.UtcNow));
            Assert.Equal(SrsReverseResult.Valid, Srs().Reverse(theirSrs1, DateTimeOffset.UtcNow, out var previousHop));
            Assert.Equal(otherSrs0, previousHop);
            var secondHop = new SrsAddress("second.example", [Encoding.UTF8.GetBytes("second key")], 21).Forward(otherSrs0, DateTimeOffset.UtcNow);
            Assert.Equal($"200 {Srs().Forward(secondHop, DateTimeOffset.UtcNow)}", await QueryAsync(forwardPort, secondHop));
            Assert.Equal($"200 {otherSrs0}", await QueryAsync(reversePort, Srs().Forward(otherSrs0, DateTimeOffset.UtcNow)));
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
