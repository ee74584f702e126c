namespace Gateway.Proxy.Multipart;

/// <summary>A request body forwarded as it arrives (not held in memory): the stream, and its length when the client declared one.</summary>
internal sealed record StreamedRequestBody(Stream Body, long? Length, MultipartFormScanner Form);
