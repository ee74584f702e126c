using System.Text.Json;

namespace Metering.Usage;

/// <summary>Legacy <c>/v1/completions</c>: each choice carries its generated <c>text</c>.</summary>
internal sealed class OpenAICompletionsUsageReader(ITextSink? outputText) : OpenAIChoicesUsageReader(outputText)
{
    protected override bool ReadChoice(ref Utf8JsonReader reader)
    {
        var content = false;
        while (reader.NextProperty())
        {
            if (reader.ValueTextEquals("text"u8))
            {
                content |= reader.ReadText(OutputText);
            }
            else
            {
                reader.SkipValue();
            }
        }

        return content;
    }
}
