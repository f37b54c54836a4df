using Mail.Shared.Directory;

namespace Mail.Protocols.Authentication;

/// <summary>What a SASL mechanism does after a client response.</summary>
public enum SaslStepKind
{
    /// <summary>Send <see cref="SaslStep.Challenge"/> and wait for the next response.</summary>
    Challenge,
    /// <summary>Authenticated as <see cref="SaslStep.User"/>.</summary>
    Succeeded,
    /// <summary>Wrong credentials, unknown user or disabled user (one answer for all, counted as a failure).</summary>
    Failed,
    /// <summary>The response does not follow the mechanism's syntax (protocol error, not counted).</summary>
    Malformed,
}

/// <summary>One step of a server-side SASL exchange (RFC 4422 §3).</summary>
/// <param name="Kind">What to do next.</param>
/// <param name="Challenge">The challenge octets (before base64) for <see cref="SaslStepKind.Challenge"/>.</param>
/// <param name="User">The authenticated user for <see cref="SaslStepKind.Succeeded"/>.</param>
public readonly record struct SaslStep(SaslStepKind Kind, byte[]? Challenge = null, DirectoryUser? User = null)
{
    /// <summary>A challenge step.</summary>
    public static SaslStep Next(byte[] challenge) => new(SaslStepKind.Challenge, challenge);

    /// <summary>A success step.</summary>
    public static SaslStep Success(DirectoryUser user) => new(SaslStepKind.Succeeded, User: user);

    /// <summary>A credential failure.</summary>
    public static SaslStep Failure { get; } = new(SaslStepKind.Failed);

    /// <summary>A syntax error.</summary>
    public static SaslStep Bad { get; } = new(SaslStepKind.Malformed);
}

/// <summary>
/// The server side of one SASL exchange (RFC 4422): created per AUTHENTICATE/AUTH command by
/// <see cref="SaslAuthenticator.Create"/>, fed the decoded client responses by <see cref="SaslExchange"/>.
/// </summary>
public abstract class SaslServerMechanism
{
    /// <summary>The mechanism name (<see cref="SaslMechanismNames"/>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Processes the next client response: the initial response (null when the client sent none, RFC 4422 §3.3),
    /// then the answer to each challenge.
    /// </summary>
    /// <exception cref="DirectoryUnavailableException">The directory cannot be reached.</exception>
    public abstract ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken);
}
