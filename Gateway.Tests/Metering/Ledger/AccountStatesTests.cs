using Metering.Ledger;

namespace Gateway.Tests.Metering.Ledger;

public class AccountStatesTests
{
    [Fact]
    public void Apply_DeltaBeforeLoadInSameBatch_CountedOnce()
    {
        var states = new AccountStates();
        // One batch: a debit, then a load that read the balance with that debit already in it, then another debit.
        states.BeginUnit();
        states.StageDelta(1, -30);
        states.BeginUnit();
        states.StageSet(1, new AccountState(70, false));
        states.BeginUnit();
        states.StageDelta(1, -5);

        states.Apply();

        states.TryGet(1, out var state).Should().BeTrue();
        state.BalanceNano.Should().Be(65);
    }

    [Fact]
    public void StageForget_AppliedInCommitOrder_TheAccountIsLoadedAgainAfterIt()
    {
        var states = new AccountStates();
        states.StageSet(1, new AccountState(100, false));
        states.StageSet(2, new AccountState(50, false));
        states.Apply();

        // Changed by another instance: dropped in order; a debit committed after it is in the store the next load reads.
        states.StageDelta(1, -10);
        states.StageForget(1);
        states.StageDelta(1, -5);
        states.Apply();

        states.TryGet(1, out _).Should().BeFalse();
        states.TryGet(2, out var other).Should().BeTrue();
        other.BalanceNano.Should().Be(50);
    }

    [Fact]
    public void RollbackUnit_DropsOnlyThatUnitsChanges()
    {
        var states = new AccountStates();
        states.StageSet(1, new AccountState(100, false));
        states.Apply();

        states.BeginUnit();
        states.StageDelta(1, -10);
        states.BeginUnit();
        states.StageDelta(1, -20);
        states.RollbackUnit();
        states.Apply();

        states.TryGet(1, out var state).Should().BeTrue();
        state.BalanceNano.Should().Be(90);
    }

    [Fact]
    public void Discard_FailedCommitChangesNothing()
    {
        var states = new AccountStates();
        states.StageSet(1, new AccountState(100, false));
        states.Apply();

        states.StageDelta(1, -10);
        states.StageRecordIp(1, true);
        states.Discard();
        states.Apply();

        states.TryGet(1, out var state).Should().BeTrue();
        state.Should().Be(new AccountState(100, false));
    }

    [Fact]
    public void Apply_DeltaForUnloadedAccount_IsLeftForItsLoad()
    {
        var states = new AccountStates();
        states.StageDelta(7, -10);

        states.Apply();

        states.TryGet(7, out _).Should().BeFalse();
    }
}

public class AccountStatesKeySpendTests
{
    private const long Day = 1_764_633_600_000; // 2025-12-02T00:00:00Z

    [Fact]
    public void KeySpend_DeltaBeforeLoadInSameBatch_CountedOnce_RolledBackUnitDropped()
    {
        var states = new AccountStates();
        states.BeginUnit();
        states.StageKeySpend(7, Day, 30);
        states.BeginUnit();
        states.StageKeySpendSet(7, new KeySpend(Day, 30, 30, 30, 0));
        states.BeginUnit();
        states.StageKeySpend(7, Day, 5);
        states.BeginUnit();
        states.StageKeySpend(7, Day, 1000);
        states.RollbackUnit();

        states.Apply();

        states.TryGetKeySpend(7, out var spend).Should().BeTrue();
        (spend.Day, spend.Month, spend.Total).Should().Be((35, 35, 35));
    }

    [Fact]
    public void KeySpend_NotLoaded_DeltaIgnored_Discarded_NeverApplied()
    {
        var states = new AccountStates();
        states.StageKeySpend(7, Day, 30);
        states.Apply();
        states.StageKeySpendSet(8, new KeySpend(Day, 1, 1, 1, 0));
        states.Discard();
        states.Apply();

        states.TryGetKeySpend(7, out _).Should().BeFalse("its first load reads the committed sums, this row included");
        states.TryGetKeySpend(8, out _).Should().BeFalse();
    }
}
