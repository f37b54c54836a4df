namespace Mail.Protocols.Filtering.Attachments;

/// <summary>What the attachment policy does with a message holding a banned attachment.</summary>
public enum AttachmentAction
{
    /// <summary>Refuse it at the end of DATA with <c>554 5.7.1</c> (default).</summary>
    Reject,

    /// <summary>Deliver it to the recipients' Junk mailbox, the banned part named in the verdict record.</summary>
    Quarantine,

    /// <summary>Deliver it with every banned part replaced by a short <c>text/plain</c> note.</summary>
    Strip,
}

/// <summary>The <c>Mail:Filters:Attachments</c> section: banned attachment types, by declared MIME type, file name
/// extension and real content (magic numbers), inside zip archives too (bounded).</summary>
/// <remarks>Example: <c>"Attachments": { "Enabled": true, "Action": "Reject", "BannedExtensions": [ "exe", "js" ] }</c>.</remarks>
public sealed class AttachmentOptions
{
    /// <summary>Turns the scanner (<c>attachments</c>) on. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>What happens to a message with a banned part. Default <see cref="AttachmentAction.Reject"/>.</summary>
    public AttachmentAction Action { get; set; } = AttachmentAction.Reject;

    /// <summary>File name extensions (without the dot, any case) that are banned, in MIME parts and archive entries.</summary>
    public List<string> BannedExtensions { get; set; } =
    [
        "exe", "com", "scr", "pif", "bat", "cmd", "cpl", "dll", "msi", "msp", "vbs", "vbe", "js", "jse", "wsf", "wsh", "wsc",
        "hta", "jar", "ps1", "psm1", "lnk", "reg", "sct", "iso", "img", "vhd", "vhdx", "appx", "msix", "application",
    ];

    /// <summary>Declared MIME types (Content-Type, any case) that are banned.</summary>
    public List<string> BannedMimeTypes { get; set; } =
    [
        "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec", "application/x-executable",
        "application/x-elf", "application/x-sharedlib", "application/x-mach-binary", "application/vnd.microsoft.portable-executable",
        "application/x-ms-shortcut", "application/hta", "application/x-javascript", "application/javascript", "text/javascript",
        "application/x-sh", "application/x-csh", "application/x-bat", "application/x-msi", "application/java-archive",
    ];

    /// <summary>Real content kinds that are banned whatever the name and type: <c>pe</c> (Windows/DOS executables, MZ),
    /// <c>elf</c>, <c>macho</c> (and Java classes, which share the magic), <c>script</c> (<c>#!</c> in an attachment),
    /// <c>lnk</c> (Windows shortcuts).</summary>
    public List<string> BannedContent { get; set; } = ["pe", "elf", "macho", "script", "lnk"];

    /// <summary>Look inside zip archives. Default true.</summary>
    public bool ScanArchives { get; set; } = true;

    /// <summary>Archive nesting inspected (a zip in a zip is depth 2). Default 3; deeper archives are not opened.</summary>
    public int MaxArchiveDepth { get; set; } = 3;

    /// <summary>Entries inspected per message, all archives together. Default 1000; the rest are not inspected.</summary>
    public int MaxArchiveEntries { get; set; } = 1000;

    /// <summary>Octets decompressed per message, all archives together (zip bombs). Default 64 MiB.</summary>
    public long MaxArchiveOctets { get; set; } = 64L * 1024 * 1024;

    /// <summary>Seconds one scan may take. Default 30.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Failure policy of this scanner (an unparsable message is not a failure: it is scanned as what MimeKit finds); null takes <see cref="FilterOptions.FailurePolicy"/>.</summary>
    public FilterFailurePolicy? FailurePolicy { get; set; }
}
