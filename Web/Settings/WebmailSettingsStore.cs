using Mail.Shared.Directory;
using Mail.Shared.Platform;
using Mail.Web.Webmail;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Mail.Web.Settings;

/// <summary>An identity the composer offers: From address, display name, signature.</summary>
/// <param name="Id">Row id, 0 for the built-in identity of the sign-in address when the user has not saved one.</param>
/// <param name="Address">From address (lower-case).</param>
/// <param name="DisplayName">Display name.</param>
/// <param name="Signature">Plain text signature.</param>
/// <param name="IsDefault">Chosen by default.</param>
public sealed record WebmailIdentityView(long Id, string Address, string DisplayName, string Signature, bool IsDefault);

/// <summary>Outcome of saving an identity.</summary>
public enum WebmailIdentitySaveResult
{
    /// <summary>Saved.</summary>
    Saved,

    /// <summary>The address is not one of the user's (the directory does not deliver it to them), so Submission would refuse it.</summary>
    NotOwned,

    /// <summary>The address is not a valid mail address.</summary>
    Invalid,
}

/// <summary>
/// The webmail's per-user settings in the platform DB (shared by every web node): preferences, From identities
/// with signatures, the senders whose remote images load without asking, and recent recipients for
/// autocomplete. Addresses are stored lower-case.
/// </summary>
public sealed class WebmailSettingsStore(IDbContextFactory<PlatformDbContext> dbFactory, IMailDirectory directory, TimeProvider time)
{
    /// <summary>Most identities per user.</summary>
    public const int MaxIdentities = 20;

    /// <summary>Most remote-image senders per user.</summary>
    public const int MaxRemoteImageSenders = 1000;

    /// <summary>Recent recipients kept per user (the least recently used beyond this are dropped).</summary>
    public const int MaxRecentRecipients = 500;

    /// <summary>The user's preferences (defaults when never saved).</summary>
    public async Task<WebmailUserSettings> GetAsync(string user, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebmailSettings.AsNoTracking().FirstOrDefaultAsync(s => s.UserAddress == key, cancellationToken)
            ?? new WebmailUserSettings { UserAddress = key };
    }

    /// <summary>Saves the user's preferences (insert or update); the undo window is clamped to 5..30 s.</summary>
    public async Task SaveAsync(WebmailUserSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.UserAddress = Normalize(settings.UserAddress);
        settings.UndoSendSeconds = Math.Clamp(settings.UndoSendSeconds, 5, 30);
        settings.Theme = settings.Theme is "light" or "dark" ? settings.Theme : "";
        settings.Language = settings.Language.Length <= 35 ? settings.Language : "";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var exists = await db.WebmailSettings.AnyAsync(s => s.UserAddress == settings.UserAddress, cancellationToken);
        if (exists)
        {
            db.WebmailSettings.Update(settings);
        }
        else
        {
            db.WebmailSettings.Add(settings);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The user's identities, default first. The sign-in address is always offered: when the user saved no identity
    /// for it, a built-in one (id 0, display name from the directory) is added.
    /// </summary>
    public async Task<IReadOnlyList<WebmailIdentityView>> GetIdentitiesAsync(string user, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.WebmailIdentities.AsNoTracking().Where(i => i.UserAddress == key).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        var views = rows.Select(r => new WebmailIdentityView(r.Id, r.FromAddress, r.DisplayName, r.Signature, r.IsDefault)).ToList();
        if (!views.Any(v => v.Address == key))
        {
            string displayName = "";
            try
            {
                displayName = (await directory.FindUserAsync(key, cancellationToken))?.DisplayName ?? "";
            }
            catch (DirectoryUnavailableException)
            {
                // The name is cosmetic; the identity works without it.
            }
            views.Insert(0, new WebmailIdentityView(0, key, displayName, "", !views.Any(v => v.IsDefault)));
        }
        if (!views.Any(v => v.IsDefault))
        {
            views[0] = views[0] with { IsDefault = true };
        }
        return [.. views.OrderByDescending(v => v.IsDefault)];
    }

    /// <summary>
    /// Saves an identity (new when <paramref name="id"/> is 0). The address must be the user's own or an alias the
    /// directory delivers to the user (the same rule Submission enforces with <c>553 5.7.1</c>).
    /// </summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be asked.</exception>
    public async Task<WebmailIdentitySaveResult> SaveIdentityAsync(
        string user, long id, string address, string displayName, string signature, bool isDefault, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        if (!MailboxAddress.TryParse(address?.Trim() ?? "", out var parsed) || !parsed.Address.Contains('@', StringComparison.Ordinal))
        {
            return WebmailIdentitySaveResult.Invalid;
        }
        var from = Normalize(parsed.Address);
        if (!await MaySendAsAsync(key, from, cancellationToken))
        {
            return WebmailIdentitySaveResult.NotOwned;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = id > 0
            ? await db.WebmailIdentities.FirstOrDefaultAsync(i => i.Id == id && i.UserAddress == key, cancellationToken)
            : await db.WebmailIdentities.FirstOrDefaultAsync(i => i.UserAddress == key && i.FromAddress == from, cancellationToken);
        if (row is null)
        {
            if (await db.WebmailIdentities.CountAsync(i => i.UserAddress == key, cancellationToken) >= MaxIdentities)
            {
                return WebmailIdentitySaveResult.Invalid;
            }
            row = new WebmailIdentity { UserAddress = key, FromAddress = from };
            db.WebmailIdentities.Add(row);
        }
        row.FromAddress = from;
        row.DisplayName = Clip(WebmailMessageComposer.OneLine(displayName ?? ""), 256);
        row.Signature = Clip((signature ?? "").Replace("\r\n", "\n", StringComparison.Ordinal), 8192);
        row.IsDefault = isDefault;
        if (isDefault)
        {
            await db.WebmailIdentities.Where(i => i.UserAddress == key && i.FromAddress != from)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.IsDefault, false), cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        return WebmailIdentitySaveResult.Saved;
    }

    /// <summary>Deletes one of the user's identities; false when there is no such row.</summary>
    public async Task<bool> DeleteIdentityAsync(string user, long id, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebmailIdentities.Where(i => i.Id == id && i.UserAddress == key).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>True when <paramref name="from"/> is <paramref name="user"/>'s address or an alias the directory delivers to them.</summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be asked.</exception>
    public async Task<bool> MaySendAsAsync(string user, string from, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        var address = Normalize(from);
        if (address == key)
        {
            return true;
        }
        var resolution = await directory.ResolveRecipientAsync(address, cancellationToken);
        return resolution.Kind == RecipientKind.Local && resolution.Users.Contains(key, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Senders (addresses or domains) whose remote images the user loads without asking.</summary>
    public async Task<IReadOnlyList<string>> GetRemoteImageSendersAsync(string user, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebmailRemoteImageSenders.AsNoTracking().Where(r => r.UserAddress == key).OrderBy(r => r.Sender)
            .Select(r => r.Sender).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// True when the user allows remote images from <paramref name="senderAddress"/>: the address itself, its domain
    /// or a parent domain is on the list, or the user loads remote images always.
    /// </summary>
    public async Task<bool> IsRemoteImageAllowedAsync(string user, string senderAddress, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        var sender = Normalize(senderAddress ?? "");
        var candidates = new List<string> { sender };
        var domain = sender[(sender.LastIndexOf('@') + 1)..];
        while (domain.Length > 0)
        {
            candidates.Add(domain);
            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            domain = dot < 0 ? "" : domain[(dot + 1)..];
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebmailSettings.AnyAsync(s => s.UserAddress == key && s.AlwaysLoadRemoteImages, cancellationToken)
            || await db.WebmailRemoteImageSenders.AnyAsync(r => r.UserAddress == key && candidates.Contains(r.Sender), cancellationToken);
    }

    /// <summary>Adds a sender address or domain to the remote-image allow-list; false when it is not an address or domain.</summary>
    public async Task<bool> AllowRemoteImagesAsync(string user, string sender, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        var value = Normalize(WebmailMessageComposer.OneLine(sender ?? "")).Trim().TrimStart('@');
        if (value.Length is 0 or > PlatformDbContext.MaxAddressLength || value.Any(c => c is ' ' or '<' or '>' or ',' or ';')
            || (!value.Contains('@', StringComparison.Ordinal) && !value.Contains('.', StringComparison.Ordinal)))
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.WebmailRemoteImageSenders.AnyAsync(r => r.UserAddress == key && r.Sender == value, cancellationToken))
        {
            return true;
        }
        if (await db.WebmailRemoteImageSenders.CountAsync(r => r.UserAddress == key, cancellationToken) >= MaxRemoteImageSenders)
        {
            return false;
        }
        db.WebmailRemoteImageSenders.Add(new WebmailRemoteImageSender { UserAddress = key, Sender = value });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Removes a sender from the remote-image allow-list.</summary>
    public async Task RemoveRemoteImageSenderAsync(string user, string sender, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        var value = Normalize(sender ?? "");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.WebmailRemoteImageSenders.Where(r => r.UserAddress == key && r.Sender == value).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Records that the user wrote to <paramref name="recipients"/> now (for autocomplete).</summary>
    public async Task RecordRecipientsAsync(string user, IEnumerable<MailboxAddress> recipients, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var recipient in recipients.DistinctBy(r => r.Address, StringComparer.OrdinalIgnoreCase))
        {
            var address = Normalize(recipient.Address);
            if (address.Length > PlatformDbContext.MaxAddressLength)
            {
                continue;
            }
            var row = await db.WebmailRecentRecipients.FirstOrDefaultAsync(r => r.UserAddress == key && r.Address == address, cancellationToken);
            if (row is null)
            {
                row = new WebmailRecentRecipient { UserAddress = key, Address = address };
                db.WebmailRecentRecipients.Add(row);
            }
            if (!string.IsNullOrWhiteSpace(recipient.Name))
            {
                row.DisplayName = Clip(WebmailMessageComposer.OneLine(recipient.Name), 256);
            }
            row.LastUsedUtc = now;
            row.UseCount++;
        }
        await db.SaveChangesAsync(cancellationToken);
        var count = await db.WebmailRecentRecipients.CountAsync(r => r.UserAddress == key, cancellationToken);
        if (count > MaxRecentRecipients)
        {
            var cutoff = await db.WebmailRecentRecipients.Where(r => r.UserAddress == key).OrderByDescending(r => r.LastUsedUtc)
                .Skip(MaxRecentRecipients).Select(r => r.LastUsedUtc).FirstAsync(cancellationToken);
            await db.WebmailRecentRecipients.Where(r => r.UserAddress == key && r.LastUsedUtc <= cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    /// <summary>The user's recent recipients as <c>Name &lt;address&gt;</c> suggestions, most used first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<string>> GetRecentRecipientsAsync(string user, int limit, CancellationToken cancellationToken)
    {
        var key = Normalize(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.WebmailRecentRecipients.AsNoTracking().Where(r => r.UserAddress == key)
            .OrderByDescending(r => r.UseCount).ThenByDescending(r => r.LastUsedUtc).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new MailboxAddress(r.DisplayName, r.Address).ToString())];
    }

    private static string Normalize(string address) => address.Trim().ToLowerInvariant();

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}
