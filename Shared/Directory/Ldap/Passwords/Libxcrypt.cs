using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Mail.Shared.Directory.Ldap.Passwords;

/// <summary>
/// <c>{CRYPT}</c> userPassword values verified by the system's <c>crypt(3)</c>: Debian's libxcrypt
/// (<c>libcrypt.so.1</c>, package libcrypt1, always installed), called through <c>crypt_rn</c> with a
/// per-call work area, so it is thread-safe and never shares state between logins.
/// </summary>
/// <remarks>
/// <para>Whatever libxcrypt verifies is accepted as long as it is a modular <c>$id$</c> string: yescrypt
/// <c>$y$</c> (Debian's default since bookworm, <c>mkpasswd -m yescrypt</c>), gost-yescrypt <c>$gy$</c>,
/// scrypt <c>$7$</c>, bcrypt <c>$2b$</c>/<c>$2a$</c>/<c>$2y$</c>, SHA-crypt <c>$6$</c>/<c>$5$</c> and MD5-crypt <c>$1$</c>.
/// Traditional and BSDi DES (no <c>$</c> prefix) never verify: 8-character passwords, 12-bit salts.</para>
/// <para>A malformed setting, an unsupported method or a missing library is a mismatch, never an exception.
/// The computed string is compared with the stored one in constant time; the work area (which holds
/// intermediate state derived from the password) is zeroed before it is freed.</para>
/// </remarks>
public static partial class Libxcrypt
{
    private const string Library = "libcrypt.so.1";

    /// <summary>Size in octets of libxcrypt's <c>struct crypt_data</c> (<c>CRYPT_DATA_INTERNAL_SIZE</c> + the output fields): 32768.</summary>
    private const int CryptDataSize = 32768;

    /// <summary>libxcrypt's <c>CRYPT_OUTPUT_SIZE</c>: the longest crypt string, terminator included, in octets.</summary>
    private const int CryptOutputSize = 384;

    /// <summary>Longest stored value accepted, in characters.</summary>
    private const int MaxCryptLength = CryptOutputSize - 1;

    /// <summary>
    /// Verifies <paramref name="password"/> against a crypt string without the <c>{CRYPT}</c> prefix
    /// (<c>$y$j9T$salt$hash</c>). False for a wrong password, a non-modular or malformed string, an empty
    /// password, or when libcrypt cannot be loaded.
    /// </summary>
    public static bool Verify(string cryptText, string password)
    {
        ArgumentNullException.ThrowIfNull(cryptText);
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length == 0 || cryptText.Length is < 4 or > MaxCryptLength || cryptText[0] != '$' || cryptText.Contains('\0', StringComparison.Ordinal) || password.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        var computed = Crypt(password, cryptText);
        return computed is not null && CryptographicOperations.FixedTimeEquals(computed, Encoding.ASCII.GetBytes(cryptText));
    }

    /// <summary>
    /// A new crypt string for <paramref name="password"/> in the method of <paramref name="prefix"/>
    /// (<c>$y$</c>, <c>$6$</c>, ...) at libxcrypt's default cost, with a random salt from libxcrypt
    /// (<c>crypt_gensalt_rn</c>). For tests and tooling: new passwords are written as <c>{SSHA512}</c>.
    /// </summary>
    /// <exception cref="CryptographicException">libxcrypt refused the prefix or the password.</exception>
    public static string Hash(string password, string prefix)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(prefix);
        var setting = new byte[CryptOutputSize];
        if (CryptGensaltRn(prefix, 0, IntPtr.Zero, 0, setting, setting.Length) == IntPtr.Zero)
        {
            throw new CryptographicException($"libxcrypt has no method {prefix}.");
        }
        var computed = Crypt(password, Encoding.ASCII.GetString(setting, 0, Array.IndexOf(setting, (byte)0)));
        return computed is null ? throw new CryptographicException($"libxcrypt failed to hash with {prefix}.") : Encoding.ASCII.GetString(computed);
    }

    /// <summary>The bytes <c>crypt_rn(password, setting)</c> returns, or null on failure (or a failure token <c>*...</c>).</summary>
    private static unsafe byte[]? Crypt(string password, string setting)
    {
        var phrase = Encoding.UTF8.GetBytes(password + "\0");
        var data = NativeMemory.AllocZeroed(CryptDataSize);
        try
        {
            byte* result;
            fixed (byte* phrasePointer = phrase)
            {
                result = (byte*)CryptRn(phrasePointer, setting, data, CryptDataSize);
            }
            if (result is null || *result == (byte)'*')
            {
                return null;
            }
            return new ReadOnlySpan<byte>(result, CryptOutputSize).SplitNullTerminated().ToArray();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(phrase);
            NativeMemory.Clear(data, CryptDataSize);
            NativeMemory.Free(data);
        }
    }

    private static ReadOnlySpan<byte> SplitNullTerminated(this ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf((byte)0);
        return end < 0 ? bytes : bytes[..end];
    }

    [LibraryImport(Library, EntryPoint = "crypt_rn", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial void* CryptRn(byte* phrase, string setting, void* data, int size);

    [LibraryImport(Library, EntryPoint = "crypt_gensalt_rn", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr CryptGensaltRn(string prefix, ulong count, IntPtr randomBytes, int randomLength, [Out] byte[] output, int outputSize);
}
