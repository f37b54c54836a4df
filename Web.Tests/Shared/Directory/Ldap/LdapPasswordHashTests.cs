using Mail.Shared.Directory.Ldap.Passwords;
using Microsoft.AspNetCore.Identity;

namespace Mail.Web.Tests.Shared.Directory.Ldap;

/// <summary>userPassword schemes, checked against values written by slappasswd 2.5, mkpasswd (whois 5.5), python crypt and the SHA-crypt spec.</summary>
public sealed class LdapPasswordHashTests
{
    private const string Secret = "correct horse";

    [Theory]
    // slappasswd -h {SSHA} / -o module-load=pw-sha2 -h {SSHA512} / -o module-load=argon2 -h {ARGON2}
    [InlineData("{SSHA}IwqE7xJex4ph1b88L3hKejtdXFlubBUk")]
    [InlineData("{SSHA512}KVeEx0TQ+P6me114JAwb2SHPjBLj16dPjGxPKvtow6y442qk4KCTwoHieX+hh393wLKBypz0y8P/bIrULoVwEQQzUwcH6Z7v")]
    [InlineData("{ssha512}KVeEx0TQ+P6me114JAwb2SHPjBLj16dPjGxPKvtow6y442qk4KCTwoHieX+hh393wLKBypz0y8P/bIrULoVwEQQzUwcH6Z7v")]
    [InlineData("{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$aC36LsUOhdK3QkwbroNWRg$JFQ8aW/iTH/QQn269Z+CLiOUhwHEqgYM06xJAIq8IdI")]
    // slappasswd -h {CRYPT} -c '$6$rounds=5000$%.16s'
    [InlineData("{CRYPT}$6$rounds=5000$uT8xU07s6/LXhy0v$XqULrfAhejRy20J5wdSnbB4iyj9HVPdDn9UjP5omnKh9MjSgZfDDsaWyMwLS0w/wG4FPt1JzEHiJOsb0GF.II/")]
    // python3 crypt.crypt (glibc)
    [InlineData("{CRYPT}$6$saltsalt$hRM5XZ86KXEw9UOmjigeVqFgULtFB2sgpC9lXQDfMib3Zgw7mEiUvBJI2EplzfAqxL5Vvwp2scFtv/uamSo5z0")]
    [InlineData("{CRYPT}$5$saltsalt$myjXcpMpE2Ofk7fj9hqyNYSn6lmWG4Mqnjx.KIRRr4/")]
    [InlineData("{CRYPT}$6$rounds=10000$saltsaltsaltsalt$YymDQcDiPAPffG37wC0ejpCZb/xQsJhGY1cHJm2zkZSqidwOudukvGlotbMGQxkhtPRs0ZAbTYxJp96xB5KQ91")]
    // mkpasswd -m yescrypt (default cost and -R 7), -m sha512crypt, -m bcrypt, -m md5crypt
    [InlineData("{CRYPT}$y$j9T$MaqcMMkv6d92i5TgItnYL1$Fxasf7q5Ggu2Dy5DjkzbGdY7sFiWSSX2YmBiAsP0KM7")]
    [InlineData("{CRYPT}$y$jBT$5Tw8qL2w8xnVCwDocdXZz0$VuiGh8EtiKd2BbXefJZ0ias0BLHg12aP7..SFf0sPL1")]
    [InlineData("{crypt}$6$oW.lTfrkOkaR/nyU$ElbRpEBXY7CkVU2K0f4XLEFZjWey.dZwAh.XqqC5Duu3Scpe.JWgAUEURbN7zvcQQS9IKhiuKrX/3kp5wstxQ1")]
    [InlineData("{CRYPT}$2b$05$QgHounFjxd.udMPsaHhYAeehhVWgWR1nojaaLNZqzZ0zjR1Tl0KJa")]
    [InlineData("{CRYPT}$1$yRljd3pP$MF8N1FTNeJrG73ip5x7je.")]
    public void Verify_ValueWrittenByOtherTools_MatchesOnlyTheRightPassword(string stored)
    {
        Assert.True(LdapPasswordHash.Verify(stored, Secret));
        Assert.False(LdapPasswordHash.Verify(stored, "correct horsE"));
        Assert.False(LdapPasswordHash.Verify(stored, ""));
    }

    [Fact]
    public void ShaCrypt_SpecificationVector_Matches()
    {
        // Drepper, "Unix crypt using SHA-256 and SHA-512", test vector 1 of SHA-512.
        Assert.True(Libxcrypt.Verify("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1", "Hello world!"));
    }

    [Fact]
    public void Yescrypt_FreshHashFromLibxcrypt_VerifiesOnlyItsPassword()
    {
        var hash = Libxcrypt.Hash(Secret, "$y$");

        Assert.StartsWith("$y$", hash, StringComparison.Ordinal);
        Assert.True(LdapPasswordHash.Verify("{CRYPT}" + hash, Secret));
        Assert.False(LdapPasswordHash.Verify("{CRYPT}" + hash, Secret + " "));
        Assert.NotEqual(hash, Libxcrypt.Hash(Secret, "$y$"));
    }

    [Fact]
    public async Task Yescrypt_HashFromMkpasswd_Verifies()
    {
        // mkpasswd comes from Debian's whois package, installed by scripts/services-ldap.sh.
        Assert.True(File.Exists("/usr/bin/mkpasswd"), "/usr/bin/mkpasswd is missing: run scripts/services-ldap.sh install (package whois).");
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/mkpasswd", ["-m", "yescrypt", "-s"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.StandardInput.WriteAsync(Secret);
        process.StandardInput.Close();
        var hash = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();

        Assert.StartsWith("$y$", hash, StringComparison.Ordinal);
        Assert.True(LdapPasswordHash.Verify("{CRYPT}" + hash, Secret));
        Assert.False(LdapPasswordHash.Verify("{CRYPT}" + hash, "wrong"));
    }

    [Theory]
    [InlineData("correct horse")]
    [InlineData("{CLEARTEXT}correct horse")]
    [InlineData("{MD5}x")]
    [InlineData("{CRYPT}$y$j9T$abc$def")]
    [InlineData("{CRYPT}$1$salt$hash")]
    [InlineData("{CRYPT}$y$j9T$MaqcMMkv6d92i5TgItnYL1$Fxasf7q5Ggu2Dy5DjkzbGdY7sFiWSSX2YmBiAsP0KM")]
    [InlineData("{CRYPT}abhfCpXqd4GrI")] // traditional DES of "correct horse": weak, never verified
    [InlineData("{CRYPT}")]
    [InlineData("{SSHA512}not base64!")]
    [InlineData("{SSHA}")]
    [InlineData("{ARGON2}$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g")]
    public void Verify_UnsupportedOrMalformed_IsFalse(string stored)
    {
        Assert.False(LdapPasswordHash.Verify(stored, Secret));
    }

    [Fact]
    public void CreateSsha512_IsSaltedAndVerifies()
    {
        var a = LdapPasswordHash.CreateSsha512(Secret);
        var b = LdapPasswordHash.CreateSsha512(Secret);

        Assert.StartsWith("{SSHA512}", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.True(LdapPasswordHash.Verify(a, Secret));
        Assert.False(LdapPasswordHash.Verify(a, Secret + "x"));
    }

    [Fact]
    public void ShaCryptAndArgon2id_RoundTrip()
    {
        Assert.True(LdapPasswordHash.Verify("{CRYPT}" + Libxcrypt.Hash(Secret, "$6$"), Secret));
        Assert.True(LdapPasswordHash.Verify("{ARGON2}" + Argon2Phc.HashArgon2id(Secret, memoryKib: 1024, iterations: 1), Secret));
        Assert.False(LdapPasswordHash.Verify("{ARGON2}" + Argon2Phc.HashArgon2id(Secret, memoryKib: 1024, iterations: 1), "other"));
    }

    [Fact]
    public void FromIdentityV3_SqlDirectoryHash_VerifiesAsPbkdf2()
    {
        var identity = new PasswordHasher<object>().HashPassword(new object(), Secret);

        var converted = LdapPasswordHash.FromIdentityV3(identity);

        Assert.NotNull(converted);
        Assert.StartsWith("{PBKDF2-SHA512}100000$", converted, StringComparison.Ordinal);
        Assert.True(LdapPasswordHash.Verify(converted, Secret));
        Assert.False(LdapPasswordHash.Verify(converted, "wrong"));
        Assert.Null(LdapPasswordHash.FromIdentityV3("{SSHA}abc"));
    }
}
