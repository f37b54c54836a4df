using System.Globalization;
using System.Text.Json;

namespace Mail.Protocols.Filtering.Rspamd;

/// <summary>
/// The parts of a <c>/checkv2</c> JSON reply the scan stage uses: <c>{"action": "reject", "score": 15.0,
/// "required_score": 15.0, "symbols": {"GTUBE": {"score": 0.0}, ...}, "messages": {"smtp_message": "..."}}</c>.
/// </summary>
/// <param name="Action">rspamd's action: <c>no action</c>, <c>greylist</c>, <c>add header</c>, <c>rewrite subject</c>, <c>soft reject</c> or <c>reject</c>.</param>
/// <param name="Score">The message's score in points.</param>
/// <param name="RequiredScore">The score of rspamd's <c>reject</c> action.</param>
/// <param name="Symbols">Names of the symbols that hit, highest absolute score first.</param>
/// <param name="SmtpMessage">The <c>messages.smtp_message</c> text rspamd proposes for the SMTP reply, or null.</param>
public sealed record RspamdReply(string Action, double Score, double? RequiredScore, IReadOnlyList<string> Symbols, string? SmtpMessage)
{
    /// <summary>Parses a reply body.</summary>
    /// <exception cref="RspamdProtocolException">Not JSON, or no <c>action</c>/<c>score</c>.</exception>
    public static RspamdReply Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RspamdProtocolException("reply is not a JSON object");
            }
            if (root.TryGetProperty("error", out var error))
            {
                throw new RspamdProtocolException("rspamd error: " + Truncate(error.ToString()));
            }
            if (!root.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number)
            {
                throw new RspamdProtocolException("reply has no action or score");
            }
            double? required = root.TryGetProperty("required_score", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetDouble() : null;
            var symbols = new List<(string Name, double Score)>();
            if (root.TryGetProperty("symbols", out var list) && list.ValueKind == JsonValueKind.Object)
            {
                foreach (var symbol in list.EnumerateObject())
                {
                    var points = symbol.Value.ValueKind == JsonValueKind.Object && symbol.Value.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 0;
                    symbols.Add((symbol.Name, points));
                }
            }
            string? smtp = root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Object &&
                messages.TryGetProperty("smtp_message", out var m) && m.ValueKind == JsonValueKind.String ? Truncate(m.GetString() ?? "") : null;
            var ordered = symbols.OrderByDescending(s => Math.Abs(s.Score)).ThenBy(s => s.Name, StringComparer.Ordinal).Select(s => s.Name).ToList();
            return new RspamdReply(action.GetString() ?? "", score.GetDouble(), required, ordered, smtp);
        }
        catch (JsonException ex)
        {
            throw new RspamdProtocolException("reply is not JSON: " + ex.Message.Split('.')[0]);
        }
    }

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200];

    /// <summary>The score as rspamd writes it, for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Action} {Score:0.00}/{RequiredScore:0.00}");
}

/// <summary>rspamd answered something that is not a <c>/checkv2</c> reply (the connection may be reused).</summary>
public sealed class RspamdProtocolException : Exception
{
    public RspamdProtocolException()
    {
    }

    public RspamdProtocolException(string message)
        : base(message)
    {
    }

    public RspamdProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
