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
    public void Remember_PastCapacity_OldestForgotten_CreateDeleteCyclesStayBounded()
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
        owners.Find($"resp_{ResponseOwners.Capacity}", 1).Should().BeNull("the create/delete cycles pushed every older id out");
        owners.Remember("resp_new", Owner(1));
        owners.Find("resp_new", 1).Should().NotBeNull();
    }
}
