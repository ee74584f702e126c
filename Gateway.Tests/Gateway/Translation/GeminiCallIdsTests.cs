using System.Text.Json.Nodes;
using Gateway.Translation;

namespace Gateway.Tests.Gateway.Translation;

public class GeminiCallIdsTests
{
    [Theory]
    [InlineData("CiQB0e2K+7nZ4/Tq1pJ0V3yXwqYt8a0uK2lQm8VnR4sHc0JxE1g=")]
    [InlineData("EqQB")]
    [InlineData("Cg==")]
    public void For_SignedCall_TheIdCarriesTheSignatureBackExactly_InIdCharacters(string signature)
    {
        var part = new JsonObject { ["functionCall"] = new JsonObject { ["name"] = "f" }, ["thoughtSignature"] = signature };

        var id = GeminiCallIds.For(part, part["functionCall"]!, "resp1", 2);

        id.Should().StartWith("call_resp1_2__ts__").And.MatchRegex("^[A-Za-z0-9_-]+$", "Anthropic's tool_use ids allow no other characters");
        GeminiCallIds.Signature(id).Should().Be(signature);
    }

    [Fact]
    public void For_UnsignedCallWithItsOwnId_IsThatIdAndCarriesNoSignature()
    {
        var call = new JsonObject { ["name"] = "f", ["id"] = "abc123" };

        var id = GeminiCallIds.For(new JsonObject { ["functionCall"] = call }, call, "resp1", 0);

        id.Should().Be("abc123");
        GeminiCallIds.Signature(id).Should().BeNull();
        GeminiCallIds.Signature("call_from_another_provider").Should().BeNull();
    }
}
