using System.Text;
using Xunit.Abstractions;

namespace Mail.Web.Tests.Protocols.Imap.Conformance;

/// <summary>
/// Dovecot imaptest's scripted suite against our IMAP server: one case per script whose required
/// capabilities we advertise; the others are listed as not applicable by the summary test.
/// </summary>
[Collection(ImaptestCollection.Name)]
public sealed class ImaptestScriptTests(ImaptestFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string> ApplicableScripts()
    {
        var data = new TheoryData<string>();
        foreach (var name in ImaptestSuite.ApplicableNames())
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ApplicableScripts))]
    public async Task Script_Passes(string name)
    {
        var result = await fixture.ResultAsync(name);
        if (result.Outcome != ImapScriptOutcome.Passed)
        {
            output.WriteLine(result.ToString());
            output.WriteLine(result.Transcript);
        }
        Assert.Equal(ImapScriptOutcome.Passed, result.Outcome);
    }

    [Fact]
    public async Task Suite_EveryApplicableScriptPasses_PrintsPassTotal()
    {
        var report = new StringBuilder();
        var notApplicable = new List<string>();
        var results = new List<ImapScriptResult>();
        foreach (var name in ImaptestSuite.AllNames())
        {
            var script = ImaptestSuite.Load(name);
            var missing = ImaptestSuite.MissingCapabilities(script);
            if (missing.Count > 0 && !ImaptestFixture.External)
            {
                notApplicable.Add($"{name} (needs {string.Join(' ', missing)})");
                continue;
            }
            var result = await fixture.ResultAsync(name);
            if (result.Outcome == ImapScriptOutcome.NotApplicable)
            {
                notApplicable.Add($"{name} (server lacks {string.Join(' ', result.MissingCapabilities)})");
                continue;
            }
            results.Add(result);
        }
        var passed = results.Count(r => r.Outcome == ImapScriptOutcome.Passed);
        report.AppendLine($"imaptest scripted suite: {passed}/{results.Count} passed, {notApplicable.Count} not applicable, {ImaptestSuite.AllNames().Count} scripts");
        report.AppendLine("not applicable: " + string.Join(", ", notApplicable));
        foreach (var failed in results.Where(r => r.Outcome == ImapScriptOutcome.Failed))
        {
            report.AppendLine(failed.ToString());
            var transcript = failed.Transcript.Split('\n');
            report.AppendLine(string.Join('\n', transcript.Skip(Math.Max(0, transcript.Length - 40))));
        }
        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());
        if (!ImaptestFixture.External)
        {
            Assert.Equal(results.Count, passed);
        }
    }
}
