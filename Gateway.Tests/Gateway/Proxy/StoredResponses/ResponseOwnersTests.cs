using Gateway.Proxy.StoredResponses;

namespace Gateway.Tests.Gateway.Proxy.StoredResponses;

public class ResponseOwnersTests
{
    private static ResponseOwner Owner(long account) => new(account, "m", "openai", "default");

    [Fact]
    public void Find_OtherAccount_NullLikeAnUnknownId()
    {
        var owners = new ResponseOwners();
        owners.Remember("resp_a", Owner(1));

        owners.Find("resp_a", 1).Should().Be(Owner(1));
        owners.Find("resp_a", 2).Should().BeNull();
        owners.Find("resp_b", 1).Should().BeNull();
    }

    [Fact]
    public void Remember_SameIdAgain_FirstCreatorKeepsIt()
    {
        var owners = new ResponseOwners();
        owners.Remember("resp_a", Owner(1));
        owners.Remember("resp_a", Owner(2));

        owners.Find("resp_a", 2).Should().BeNull();
    }

    [Fact]
    public void Remember_PastCapacity_OldestForgotten_ADeletedIdStaysDeletedInOneSlot()
    {
        var owners = new ResponseOwners();
        for (var i = 0; i <= ResponseOwners.Capacity; i++)
            owners.Remember($"resp_{i}", Owner(1));
        for (var i = 0; i < 2 * ResponseOwners.Capacity; i++)
        {
            owners.Remember("resp_cycle", Owner(1));
            owners.Forget("resp_cycle");
        }

        owners.Find("resp_0", 1).Should().BeNull();
        owners.Find($"resp_{ResponseOwners.Capacity}", 1).Should().NotBeNull("repeating one id takes one slot, whatever the count");
        owners.Find("resp_cycle", 1).Should().BeNull("deleted here: this instance answers 404 itself");
        owners.Knows("resp_cycle").Should().BeTrue("so the store is not asked");
        owners.Knows("resp_never_seen").Should().BeFalse();
    }
}
