namespace Mail.Web.Admin;

/// <summary>
/// The admin command line split into words, flags and configuration overrides.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>--help</c>, <c>-h</c>: help.</item>
/// <item><c>--password-stdin</c>: read the password from the first line of standard input.</item>
/// <item><c>--Key=Value</c>, or <c>--Section:Key Value</c>: a configuration override, passed to the
/// same configuration stack as the server (<c>--Mail:DataPath=/srv/mail</c>).</item>
/// <item>Anything else is a positional word (noun, verb, arguments).</item>
/// </list>
/// </remarks>
internal sealed record AdminCommandLine(IReadOnlyList<string> Words, IReadOnlyList<string> ConfigurationArgs, bool Help, bool PasswordStdin, string? Error)
{
    public static AdminCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var words = new List<string>();
        var configuration = new List<string>();
        bool help = false, passwordStdin = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                help = true;
            }
            else if (arg == "--password-stdin")
            {
                passwordStdin = true;
            }
            else if (arg.StartsWith("--password", StringComparison.OrdinalIgnoreCase) || arg is "-p")
            {
                // Name only the option: its value may be the password itself.
                var option = arg.Split('=', 2)[0];
                return Invalid(words, configuration, $"{option}: passwords are never taken from the command line; use --password-stdin");
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                if (arg.Contains('=', StringComparison.Ordinal))
                {
                    configuration.Add(arg);
                }
                else if (arg.Contains(':', StringComparison.Ordinal) && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                {
                    configuration.Add(arg + "=" + args[++i]);
                }
                else
                {
                    return Invalid(words, configuration, $"unknown option {arg}");
                }
            }
            else
            {
                words.Add(arg);
            }
        }
        return new AdminCommandLine(words, configuration, help, passwordStdin, null);
    }

    private static AdminCommandLine Invalid(List<string> words, List<string> configuration, string error) =>
        new(words, configuration, false, false, error);
}
