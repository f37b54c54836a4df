namespace Mail.Web.Tests.Protocols.Filtering.Block;

/// <summary>A clock that moves only when told (timers are not used by the checks under test).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2025, 7, 1, 10, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
