namespace Gateway.Translation;

/// <summary>
/// A request uses a feature the other wire format cannot express. Thrown deep inside a request
/// translator and caught at its entry (<see cref="ChatTranslation.TranslateRequest"/>), where it becomes a
/// 400 naming the feature: a translation never drops what the client asked for in silence.
/// </summary>
internal sealed class UntranslatableException(string feature, string upstream)
    : Exception($"'{feature}' cannot be translated to the {upstream} API, which serves this model.")
{
    /// <summary>What the request asked for that the upstream's API cannot express.</summary>
    public string Feature { get; } = feature;

    public static UntranslatableException ToAnthropic(string feature) => new(feature, "Anthropic Messages");

    public static UntranslatableException ToOpenAI(string feature) => new(feature, "OpenAI Chat Completions");

    public static UntranslatableException ToGemini(string feature) => new(feature, "Gemini generateContent");
}
