using System.Globalization;
using System.Resources;

namespace Mail.Web.Resources;

/// <summary>
/// Key of the admin panel's texts: <c>IStringLocalizer&lt;AdminText&gt;</c> reads AdminText.resx (English) and
/// AdminText.de.resx (German). The static properties serve the validation attributes of the admin forms
/// (<c>ErrorMessageResourceType</c>), in the current UI culture.
/// </summary>
public sealed class AdminText
{
    private static readonly ResourceManager Texts = new(typeof(AdminText).FullName!, typeof(AdminText).Assembly);

    private AdminText()
    {
    }

    public static string AddressRequired => Get(nameof(AddressRequired));

    public static string PasswordRequired => Get(nameof(PasswordRequired));

    public static string PasswordsDiffer => Get(nameof(PasswordsDiffer));

    public static string DomainRequired => Get(nameof(DomainRequired));

    public static string LocalPartRequired => Get(nameof(LocalPartRequired));

    public static string TargetRequired => Get(nameof(TargetRequired));

    private static string Get(string name) => Texts.GetString(name, CultureInfo.CurrentUICulture) ?? name;
}
