using System.Text.Json;

namespace Metering.Usage;

/// <summary>
/// <c>/v1/images/generations</c> and <c>/edits</c>: a token-priced model (gpt-image-1) reports <c>usage</c>
/// (<c>input_tokens</c>, <c>output_tokens</c>, text and image tokens in the details) after <c>data</c>, whose
/// base64 images are skipped unread. DALL·E models report none: they are priced per image.
/// </summary>
internal sealed class OpenAIImagesUsageReader : JsonBodyUsageReader
{
    protected override void ReadProperty(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("usage"u8))
            Usage = OpenAIJson.ReadUsage(ref reader) ?? Usage;
        else
            reader.SkipValue();
    }
}
