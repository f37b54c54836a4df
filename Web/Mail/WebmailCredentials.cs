using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Mail.Web.Webmail;

/// <summary>The address and password a webmail session logs in to IMAP with.</summary>
/// <param name="Address">The mail address the user signed in with.</param>
/// <param name="Password">The IMAP password, in clear only in memory.</param>
public sealed record WebmailCredentials(string Address, string Password)
{
    /// <summary>The browser's address when the session signed in, named to IMAP in ID <c>x-originating-ip</c>; null when unknown.</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>Shows the address only, so the password never reaches a log or a debugger view by accident.</summary>
    public override string ToString() => Address;
}

/// <summary>
/// Puts the session's IMAP credentials into the sign-in principal and reads them back. The password is
/// encrypted with Data Protection (purpose <see cref="Purpose"/>) inside a claim; the ticket holding the
/// claims is stored server-side (ITicketStore), so the cookie carries only an opaque session id.
/// </summary>
public sealed class WebmailCredentialProtector(IDataProtectionProvider dataProtection)
{
    /// <summary>Data Protection purpose of the password claim.</summary>
    public const string Purpose = "Mail.Web.Webmail.ImapPassword.v1";

    /// <summary>Claim type holding the protected password.</summary>
    public const string SecretClaimType = "mail:imap-secret";

    /// <summary>Claim type holding the browser's address at sign-in (<see cref="WebmailCredentials.ClientAddress"/>).</summary>
    public const string ClientAddressClaimType = "mail:client-ip";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>Builds the principal of a session for <paramref name="credentials"/> under <paramref name="authenticationType"/>.</summary>
    public ClaimsPrincipal CreatePrincipal(WebmailCredentials credentials, string authenticationType)
    {
        List<Claim> claims =
        [
            new Claim(ClaimTypes.Name, credentials.Address),
            new Claim(ClaimTypes.Email, credentials.Address),
            new Claim(SecretClaimType, _protector.Protect(credentials.Password)),
        ];
        if (credentials.ClientAddress is { } client)
        {
            claims.Add(new Claim(ClientAddressClaimType, client.ToString()));
        }
        var identity = new ClaimsIdentity(claims, authenticationType);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The credentials of a signed-in principal, or null when it carries none or they cannot be decrypted (keys lost).</summary>
    public WebmailCredentials? Read(ClaimsPrincipal principal)
    {
        var address = principal.FindFirst(ClaimTypes.Name)?.Value;
        var secret = principal.FindFirst(SecretClaimType)?.Value;
        if (principal.Identity?.IsAuthenticated != true || string.IsNullOrEmpty(address) || string.IsNullOrEmpty(secret))
        {
            return null;
        }
        try
        {
            var client = IPAddress.TryParse(principal.FindFirst(ClientAddressClaimType)?.Value, out var ip) ? ip : null;
            return new WebmailCredentials(address, _protector.Unprotect(secret)) { ClientAddress = client };
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Protects a password for storage at rest (the outbox row of a held message).</summary>
    public string ProtectPassword(string password) => _protector.Protect(password);

    /// <summary>The password protected by <see cref="ProtectPassword"/>, or null when the keys to decrypt it are gone.</summary>
    public string? UnprotectPassword(string protectedPassword)
    {
        try
        {
            return _protector.Unprotect(protectedPassword);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
