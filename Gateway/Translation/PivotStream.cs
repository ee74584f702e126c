using System.Buffers;
using Metering.Usage;

namespace Gateway.Translation;

/// <summary>
/// Two stream translators in a row through OpenAI's chunks (Anthropic ⇄ Gemini): each upstream event goes
/// to the first, and each OpenAI event it writes goes on to the second at once, so the client's events leave
/// as the upstream's arrive. Comments (a ping) pass through as they are.
/// </summary>
internal sealed class PivotStream(IStreamTranslator toOpenAI, IStreamTranslator fromOpenAI) : IStreamTranslator
{
    private readonly ArrayBufferWriter<byte> _openAI = new(1024);

    public bool OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        _openAI.Clear();
        toOpenAI.OnEvent(eventName, data, _openAI);
        var content = false;
        // The first translator writes whole events of one data line each (SseWriter), so a blank line ends each.
        var rest = _openAI.WrittenSpan;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\n\n"u8);
            var rawEvent = end < 0 ? rest : rest[..(end + 2)];
            rest = rest[rawEvent.Length..];
            if (SseEvent.TryParse(rawEvent, out var name, out var openAIData))
                content |= fromOpenAI.OnEvent(name, openAIData, output);
            else
                output.Write(rawEvent);
        }
        return content;
    }
}
