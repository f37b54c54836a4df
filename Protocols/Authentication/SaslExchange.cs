using System.Buffers.Text;
using System.Text;
using Mail.Shared.Directory;

namespace Mail.Protocols.Authentication;

/// <summary>How a SASL exchange ended.</summary>
public enum SaslOutcome
{
    /// <summary>Authenticated (<see cref="SaslResult.User"/>).</summary>
    Succeeded,
    /// <summary>Wrong credentials (the failure delay has already been waited).</summary>
    Failed,
    /// <summary>The client sent <c>*</c> (RFC 4422 §3.5).</summary>
    Cancelled,
    /// <summary>A response was not base64 or not the mechanism's syntax.</summary>
    Malformed,
    /// <summary>The client left, or a response was over the line limit.</summary>
    Disconnected,
}

/// <summary>The end of an exchange.</summary>
public readonly record struct SaslResult(SaslOutcome Outcome, DirectoryUser? User = null);

/// <summary>
/// Runs a <see cref="SaslServerMechanism"/> over a protocol's framing (RFC 4422 §4): each protocol supplies how a
/// challenge is sent and a response read (IMAP <c>+ base64</c>, POP3 <c>+ base64</c>, SMTP <c>334 base64</c>);
/// this class handles base64, the initial response (<c>=</c> for an empty one), <c>*</c> cancellation, the failure
/// delay and clearing the failure count on success.
/// </summary>
public static class SaslExchange
{
    /// <summary>Sends the base64 challenge (possibly empty) and returns the client's response line without CRLF, or null when the client left.</summary>
    public delegate ValueTask<string?> ChallengeAsync(string base64Challenge, CancellationToken cancellationToken);

    /// <summary>Runs the exchange to its end.</summary>
    /// <param name="authenticator">The shared authenticator (failure delays).</param>
    /// <param name="mechanism">The mechanism server from <see cref="SaslAuthenticator.Create"/>.</param>
    /// <param name="connection">The connection.</param>
    /// <param name="initialResponse">The initial response as sent (base64, or <c>=</c> for empty), null when none.</param>
    /// <param name="challenge">The protocol's challenge/response function.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached.</exception>
    public static async Task<SaslResult> RunAsync(
        SaslAuthenticator authenticator,
        SaslServerMechanism mechanism,
        SaslConnection connection,
        string? initialResponse,
        ChallengeAsync challenge,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(mechanism);
        ArgumentNullException.ThrowIfNull(challenge);
        byte[]? response = null;
        if (initialResponse is not null)
        {
            if (initialResponse == "*")
            {
                return new SaslResult(SaslOutcome.Cancelled);
            }
            if (!TryDecode(initialResponse, out response))
            {
                return new SaslResult(SaslOutcome.Malformed);
            }
        }
        while (true)
        {
            var step = await mechanism.StepAsync(response, cancellationToken);
            switch (step.Kind)
            {
                case SaslStepKind.Succeeded:
                    await authenticator.SucceededAsync(connection);
                    return new SaslResult(SaslOutcome.Succeeded, step.User);
                case SaslStepKind.Failed:
                    await authenticator.FailedAsync(connection, mechanism.Name, cancellationToken);
                    return new SaslResult(SaslOutcome.Failed);
                case SaslStepKind.Malformed:
                    return new SaslResult(SaslOutcome.Malformed);
            }
            var line = await challenge(Convert.ToBase64String(step.Challenge!), cancellationToken);
            if (line is null)
            {
                return new SaslResult(SaslOutcome.Disconnected);
            }
            if (line == "*")
            {
                return new SaslResult(SaslOutcome.Cancelled);
            }
            if (!TryDecode(line, out response))
            {
                return new SaslResult(SaslOutcome.Malformed);
            }
        }
    }

    /// <summary>Decodes a base64 response (<c>=</c> alone is empty, RFC 4954 §4 / RFC 9051 §6.2.2 / RFC 5034 §4).</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text is "=" or "")
        {
            return true;
        }
        var ascii = Encoding.ASCII.GetBytes(text);
        if (!Base64.IsValid(ascii, out var length))
        {
            return false;
        }
        bytes = new byte[length];
        return Base64.DecodeFromUtf8(ascii, bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == length;
    }
}
