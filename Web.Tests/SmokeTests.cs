namespace Mail.Web.Tests;

public class SmokeTests
{
    [Fact]
    public void Roles_All_ContainsMailbox() => Assert.Contains("Mailbox", Mail.Shared.Hosting.MailRoles.Parse("all"));
}
