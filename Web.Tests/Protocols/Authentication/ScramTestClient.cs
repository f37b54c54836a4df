using System.Security.Cryptography;
using System.Text;

namespace Mail.Web.Tests.Protocols.Authentication;

/// <summary>
/// The client side of SCRAM-SHA-256(-PLUS) computed in the test (RFC 5802 §3, RFC 7677), so any gs2 header and any
/// channel-binding data can be sent, right or wrong.
/// </summary>
/// <param name="user">The user name (no <c>,</c> or <c>=</c>).</param>
/// <param name="password">The password.</param>
/// <param name="gs2Header">The gs2 header as sent: <c>n,,</c>, <c>y,,</c>, <c>p=tls-exporter,,</c>...</param>
/// <param name="bindingData">The channel-binding data appended to the header in <c>c=</c> (null for none).</param>
internal sealed class ScramTestClient(string user, string password, string gs2Header, byte[]? bindingData)
{
    private readonly string _clientFirstBare = "n=" + user + ",r=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private byte[] _serverSignature = [];

    /// <summary>client-first-message, base64 as sent on the wire.</summary>
    public string ClientFirst() => Base64(gs2Header + _clientFirstBare);

    /// <summary>client-final-message (base64) for the server-first-message (base64).</summary>
    public string ClientFinal(string serverFirstBase64)
    {
        var serverFirst = Encoding.UTF8.GetString(Convert.FromBase64String(serverFirstBase64));
        var attributes = serverFirst.Split(',').ToDictionary(a => a[0], a => a[2..]);
        Assert.StartsWith(_clientFirstBare.Split(",r=")[1], attributes['r'], StringComparison.Ordinal);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(attributes['s']), int.Parse(attributes['i'], System.Globalization.CultureInfo.InvariantCulture), HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var binding = Convert.ToBase64String([.. Encoding.ASCII.GetBytes(gs2Header), .. bindingData ?? []]);
        var withoutProof = "c=" + binding + ",r=" + attributes['r'];
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
        var signature = HMACSHA256.HashData(storedKey, authMessage);
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        _serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        return Base64(withoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    /// <summary>True when the server-final-message (base64) carries the expected <c>v=</c> signature.</summary>
    public bool VerifyServerFinal(string serverFinalBase64) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(serverFinalBase64)) == "v=" + Convert.ToBase64String(_serverSignature);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
