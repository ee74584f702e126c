namespace Metering.Usage;

/// <summary>Receives the output text a response delivers, piece by piece, e.g. to count its tokens.</summary>
public interface ITextSink
{
    /// <summary>Adds the next piece; the span is only valid during the call.</summary>
    void Append(ReadOnlySpan<char> text);
}
