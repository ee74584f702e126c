using System.Buffers;
using System.Text;
using Gateway.Proxy.Forwarding;

namespace Gateway.Tests.Gateway.Proxy.Forwarding;

public class SecretMaskTests
{
    private const string Secret = "sk-upstream-secret-abcdef";

    [Fact]
    public void Write_SecretSplitAtEveryByte_IsMaskedWhole()
    {
        var text = $"key {Secret} and again {Secret}{Secret}, then sk-upstream- alone";
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var mask = new SecretMask(Secret);
            var output = new ArrayBufferWriter<byte>();
            mask.Write(bytes.AsSpan(0, cut), output);
            mask.Write(bytes.AsSpan(cut), output);
            mask.Complete(output);

            Encoding.UTF8.GetString(output.WrittenSpan).Should().Be(text.Replace(Secret, "***"), $"cut at {cut}");
        }
    }

    [Fact]
    public void Write_OneByteAtATime_HoldsBackAtMostTheSecretLessOne()
    {
        var mask = new SecretMask(Secret);
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.UTF8.GetBytes(new string('x', 100) + Secret);
        foreach (var b in bytes)
            mask.Write([b], output);

        output.WrittenCount.Should().Be(100 + 3, "the x's left as soon as they could not begin the secret, then the mask");
        mask.Complete(output);
        Encoding.UTF8.GetString(output.WrittenSpan).Should().Be(new string('x', 100) + "***");
    }

    [Fact]
    public void For_NoSecret_IsNull() => SecretMask.For("").Should().BeNull();
}
