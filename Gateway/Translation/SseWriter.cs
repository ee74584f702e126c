using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Translation;

/// <summary>Writes one SSE event: an optional <c>event:</c> line, one <c>data:</c> line of compact JSON, a blank line.</summary>
internal static class SseWriter
{
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = Json.WireEncoder };

    public static void Write(IBufferWriter<byte> output, string? eventName, JsonNode data)
    {
        if (eventName is not null)
        {
            output.Write("event: "u8);
            output.Write(System.Text.Encoding.UTF8.GetBytes(eventName));
            output.Write("\n"u8);
        }
        output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(output, Options))
            data.WriteTo(writer);
        output.Write("\n\n"u8);
    }

    public static void WriteDone(IBufferWriter<byte> output) => output.Write("data: [DONE]\n\n"u8);
}
