namespace Mail.Web.Tests.EndToEnd;

/// <summary>
/// The end-to-end tests run one after another: each starts real server processes and real clients, and on two
/// cores running them in parallel with each other only makes every one slower and timing-sensitive.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "EndToEnd";
}
