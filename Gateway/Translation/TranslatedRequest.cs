namespace Gateway.Translation;

/// <summary>A request body in the upstream's wire format, or why it could not be translated (a 400 message).</summary>
/// <param name="ClientAskedForUsage">OpenAI clients only: the client asked for the stream's usage chunk.</param>
internal sealed record TranslatedRequest(byte[]? Body, string? Refusal, bool ClientAskedForUsage = false);
