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
