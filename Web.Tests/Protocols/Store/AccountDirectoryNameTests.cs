using Mail.Protocols.Store;

namespace Mail.Web.Tests.Protocols.Store;

public class AccountDirectoryNameTests
{
    [Theory]
    [InlineData("alice@example.com", "example.com/alice")]
    [InlineData("first.last+tag@sub.example.org", "sub.example.org/first.last+tag")]
    [InlineData("../../etc@example.com", "example.com/%2E.%2F..%2Fetc")]
    [InlineData(".hidden@..", "%2E./%2Ehidden")]
    [InlineData("a%b@example.com", "example.com/a%25b")]
    [InlineData("jörg@example.com", "example.com/j%C3%B6rg")]
    public void RelativePath_EscapesUnsafeCharacters(string account, string expected)
    {
        Assert.Equal(expected.Replace('/', Path.DirectorySeparatorChar), AccountDirectoryName.RelativePath(account));
    }

    [Fact]
    public void RelativePath_LongLocalPart_ShortenedWithDigest_Distinct()
    {
        var a = AccountDirectoryName.RelativePath(new string('a', 300) + "@example.com");
        var b = AccountDirectoryName.RelativePath(new string('a', 299) + "b@example.com");
        Assert.NotEqual(a, b);
        Assert.True(Path.GetFileName(a).Length <= 120);
        Assert.Contains('~', Path.GetFileName(a));
    }

    [Theory]
    [InlineData("nodomain")]
    [InlineData("@example.com")]
    [InlineData("user@")]
    public void RelativePath_NotAnAddress_Throws(string account)
    {
        Assert.Throws<ArgumentException>(() => AccountDirectoryName.RelativePath(account));
    }
}
