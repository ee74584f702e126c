using System.Text.Json.Nodes;

namespace Gateway.Tests.Fakes;

/// <summary>
/// What Google's <c>generateContent</c> refuses, checked as strictly as Google does: an unknown member
/// anywhere in the body (<c>model</c>, <c>messages</c>, a snake_case OpenAI name) is a 400
/// "Invalid JSON payload received. Unknown name …", roles are <c>user</c> or <c>model</c>, a part holds
/// exactly one kind of data, and (as Gemini 3 does) a function call comes back with its <c>thoughtSignature</c>.
/// </summary>
internal static class FakeGeminiRequest
{
    private static readonly HashSet<string> TopLevel =
        ["contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig", "cachedContent", "labels"];

    private static readonly HashSet<string> GenerationConfig =
    [
        "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "candidateCount", "maxOutputTokens",
        "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
        "thinkingConfig", "responseModalities", "speechConfig", "mediaResolution",
    ];

    private static readonly HashSet<string> PartData = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"];
    private static readonly HashSet<string> ContentFields = ["role", "parts"];
    private static readonly HashSet<string> PartMeta = ["thought", "thoughtSignature", "videoMetadata"];
    private static readonly HashSet<string> ToolKinds = ["functionDeclarations", "googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext"];
    private static readonly HashSet<string> Declaration = ["name", "description", "parameters", "parametersJsonSchema", "response", "responseJsonSchema"];

    /// <returns>Google's 400 message for the body, or null when Google would take it.</returns>
    public static string? Problem(JsonObject? body, bool countTokens)
    {
        if (body is null)
            return "Invalid JSON payload received.";
        if (countTokens && body["generateContentRequest"] is JsonObject wrapped)
            return Problem(WithoutModel(wrapped), countTokens: false);
        if (Unknown(body, TopLevel, "") is { } unknown)
            return unknown;
        if (body["contents"] is not JsonArray { Count: > 0 } contents)
            return "* GenerateContentRequest.contents: contents is not specified";
        for (var i = 0; i < contents.Count; i++)
        {
            if (ContentProblem(contents[i], $"contents[{i}]", allowRoles: true) is { } problem)
                return problem;
        }
        if (body["systemInstruction"] is { } system && ContentProblem(system, "system_instruction", allowRoles: false) is { } systemProblem)
            return systemProblem;
        if (body["generationConfig"] is JsonObject config && Unknown(config, GenerationConfig, "generation_config") is { } configProblem)
            return configProblem;
        foreach (var tool in body["tools"] as JsonArray ?? [])
        {
            if (Unknown(tool as JsonObject, ToolKinds, "tools[0]") is { } toolProblem)
                return toolProblem;
            foreach (var declaration in tool!["functionDeclarations"] as JsonArray ?? [])
            {
                if (Unknown(declaration as JsonObject, Declaration, "tools[0].function_declarations[0]") is { } declarationProblem)
                    return declarationProblem;
                if (declaration?["name"] is null)
                    return "* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.";
            }
        }
        return null;
    }

    private static JsonObject WithoutModel(JsonObject request)
    {
        var copy = (JsonObject)request.DeepClone();
        copy.Remove("model");
        return copy;
    }

    private static string? ContentProblem(JsonNode? content, string at, bool allowRoles)
    {
        if (content is not JsonObject fields)
            return $"Invalid value at '{at}', must be an object.";
        if (Unknown(fields, ContentFields, at) is { } unknown)
            return unknown;
        if (allowRoles && fields["role"] is { } role && (string?)role is not ("user" or "model"))
            return $"Please use a valid role: user, model.";
        if (fields["parts"] is not JsonArray { Count: > 0 } parts)
            return $"* GenerateContentRequest.{at}.parts: contents.parts must not be empty.";
        for (var p = 0; p < parts.Count; p++)
        {
            if (parts[p] is not JsonObject part)
                return $"Invalid value at '{at}.parts[{p}]'.";
            foreach (var (name, _) in part)
            {
                if (!PartData.Contains(name) && !PartMeta.Contains(name))
                    return $"Invalid JSON payload received. Unknown name \"{name}\" at '{at}.parts[{p}]': Cannot find field.";
            }
            if (part.Count(field => PartData.Contains(field.Key)) != 1)
                return $"* GenerateContentRequest.{at}.parts[{p}].data: required oneof field 'data' must have one initialized field";
            // Gemini 3: a thinking model's function call must come back with the signature it was given.
            if (part["functionCall"] is JsonObject call && part["thoughtSignature"] is null)
                return $"Function call `{(string?)call["name"]}` in the {at} block is missing a `thought_signature`.";
        }
        return null;
    }

    private static string? Unknown(JsonObject? fields, IReadOnlySet<string> known, string at)
    {
        foreach (var (name, _) in fields ?? [])
        {
            if (!known.Contains(name))
                return $"Invalid JSON payload received. Unknown name \"{name}\"{(at.Length > 0 ? $" at '{at}'" : "")}: Cannot find field.";
        }
        return null;
    }
}
