using Metering.Ledger;
using Metering.Logs;

namespace Gateway.Tests.Metering.Logs;

/// <summary>The details text is built once per distinct value and reused; a different value never gets another's text.</summary>
public class LogDetailsTests
{
    private static LogDetails Details(decimal modelRatio, bool completed = true) => new()
    {
        ModelRatio = modelRatio, CompletionRatio = 2m, GroupRatio = 1m, InputPricePer1M = 2m, OutputPricePer1M = 4m,
        UsageSource = "upstream", Completed = completed,
    };

    [Fact]
    public void ToJson_EqualDetails_TheSameTextOnce()
    {
        var first = Details(1.25m).ToJson();

        Details(1.25m).ToJson().Should().BeSameAs(first);
        LogDetails.FromJson(first).Should().Be(Details(1.25m));
    }

    [Fact]
    public void ToJson_DetailsThatDiffer_EachItsOwnText()
    {
        var texts = new[] { Details(1.5m).ToJson(), Details(1.75m).ToJson(), Details(1.5m, completed: false).ToJson() };

        texts.Should().OnlyHaveUniqueItems();
        LogDetails.FromJson(texts[2])!.Completed.Should().BeFalse();
        LogDetails.FromJson(texts[1])!.ModelRatio.Should().Be(1.75m);
    }

    [Fact]
    public void ToJson_WithAttempts_WrittenInFull()
    {
        var details = Details(1m) with { Attempts = [new AttemptDetail("default", 503, null), new AttemptDetail("backup", 200, null)] };

        var read = LogDetails.FromJson(details.ToJson())!;

        read.Attempts!.Select(a => (a.Destination, a.Status)).Should().Equal(("default", 503), ("backup", 200));
    }
}
