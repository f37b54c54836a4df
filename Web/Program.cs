using Mail.Protocols.Hosting;
using Mail.Protocols.Imap;
using Mail.Protocols.Lmtp;
using Mail.Protocols.Pop3;
using Mail.Protocols.Smtp;
using Mail.Protocols.Smtp.Outbound;
using Mail.Protocols.Store;
using Mail.Shared.Hosting;
using Mail.Web.Admin;
using Mail.Web.Admin.Panel;
using Mail.Web.Hosting;
using Mail.Web.Platform;

// `admin ...` runs the management CLI on the same configuration and data, then exits.
if (args.Length > 0 && args[0] == "admin")
{
    return await AdminCli.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
var roles = MailRoles.Parse(builder.Configuration["Mail:Roles"]);

builder.Services.AddMailCore(builder.Configuration);
builder.Services.AddPlatform(builder.Configuration);

if (roles.Contains(MailRoles.Mailbox))
{
    builder.Services.AddMailboxStore();
    builder.Services.AddImap();
    builder.Services.AddPop3();
    builder.Services.AddLmtp();
}
if (roles.Contains(MailRoles.SmtpIn))
{
    builder.Services.AddSmtpIn();
}
if (roles.Contains(MailRoles.Submission))
{
    builder.Services.AddSubmission();
}
if (roles.Contains(MailRoles.Outbound))
{
    builder.Services.AddOutbound();
}
if (roles.Contains(MailRoles.Web))
{
    builder.Services.AddWebmail();
    // The admin panel (/admin) is served by the web host; without the Admin role nobody can sign in to it.
    builder.Services.AddAdminPanel(enabled: roles.Contains(MailRoles.Admin));
    builder.UseBuildOutputStaticAssets();
}

var app = builder.Build();
await app.Services.InitializePlatformAsync();
if (roles.Contains(MailRoles.Web))
{
    app.MapWebmail();
    app.MapAdminPanel();
}
app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
await app.RunAsync();
return 0;

/// <summary>Entry point type, public for WebApplicationFactory in tests.</summary>
public partial class Program;
