using Mail.Shared.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Mail.Web.Hosting;

/// <summary>Prints the bound endpoints and the first-user hint once the host has started.</summary>
internal static class StartupBanner
{
    public static void Print(WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<MailEndpoints>();
        var options = app.Services.GetRequiredService<IOptions<MailOptions>>().Value;
        var http = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var lines = new List<string> { "", "Mail platform running. Data: " + options.FullDataPath };
        foreach (var url in http)
        {
            lines.Add($"  Web        {url}");
        }
        foreach (var (name, ep) in endpoints.AllBound.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            lines.Add($"  {name,-10} {ep}");
        }
        lines.Add("First user:");
        lines.Add("  dotnet run --project Web -- admin domain add example.com");
        lines.Add("  echo 'secret' | dotnet run --project Web -- admin user add alice@example.com --password-stdin");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
