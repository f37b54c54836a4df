using Microsoft.AspNetCore.Hosting.StaticWebAssets;

namespace Mail.Web.Hosting;

/// <summary>The webmail's static web assets (wwwroot, the scoped CSS bundle, blazor.web.js) when the server runs from its build output.</summary>
public static class BuildOutputStaticAssets
{
    /// <summary>
    /// Outside Development, maps the static web assets where the build left them, as ASP.NET Core does by itself only in
    /// Development: a build (<c>dotnet build</c>, <c>dotnet run</c>) does not copy them next to <c>Mail.Web.dll</c>, it
    /// lists them in <c>Mail.Web.staticwebassets.runtime.json</c> (project wwwroot, obj/ compressed and scoped CSS, the
    /// framework's blazor.web.js in the NuGet cache). Without this, <c>dotnet Mail.Web.dll</c> in Production answered the
    /// fingerprinted CSS/JS URLs with empty bodies: pages without style and never interactive.
    /// </summary>
    /// <remarks>
    /// A published app (<c>dotnet publish</c>) has no runtime manifest, its assets are copied to <c>wwwroot</c>, and this
    /// changes nothing. The manifest points into the build machine's folders, so a build output moved to another
    /// machine must be published instead.
    /// </remarks>
    public static WebApplicationBuilder UseBuildOutputStaticAssets(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
        }
        return builder;
    }
}
