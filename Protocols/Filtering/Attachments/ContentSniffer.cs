namespace Mail.Protocols.Filtering.Attachments;

/// <summary>Recognizes content by its first octets (magic numbers), whatever it is called or declared as.</summary>
internal static class ContentSniffer
{
    /// <summary>Octets needed to recognize every kind.</summary>
    public const int PrefixOctets = 64;

    /// <summary>
    /// The content kind: <c>pe</c> (<c>MZ</c>: DOS/Windows executables and DLLs), <c>elf</c> (<c>7F 'ELF'</c>), <c>macho</c>
    /// (Mach-O thin/fat and Java classes: <c>FEEDFACE</c>, <c>FEEDFACF</c>, <c>CAFEBABE</c> in either order), <c>script</c>
    /// (<c>#!</c>), <c>lnk</c> (shell link header <c>4C000000 01140200</c>), <c>zip</c> (<c>PK 03 04</c>), else null.
    /// </summary>
    public static string? Kind(ReadOnlySpan<byte> prefix)
    {
        if (prefix.StartsWith("MZ"u8))
        {
            return "pe";
        }
        if (prefix.StartsWith((ReadOnlySpan<byte>)[0x7F, 0x45, 0x4C, 0x46]))
        {
            return "elf";
        }
        if (prefix.Length >= 4)
        {
            var magic = (uint)(prefix[0] << 24 | prefix[1] << 16 | prefix[2] << 8 | prefix[3]);
            if (magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE or 0xCAFEBABE or 0xBEBAFECA)
            {
                return "macho";
            }
        }
        if (prefix.StartsWith("#!"u8))
        {
            return "script";
        }
        if (prefix.StartsWith((ReadOnlySpan<byte>)[0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]))
        {
            return "lnk";
        }
        if (prefix.StartsWith("PK\x03\x04"u8))
        {
            return "zip";
        }
        return null;
    }
}
