namespace Metering.Usage;

/// <summary>A reader that also learns the id an upstream gave the object it created (a stored response).</summary>
public interface IResponseIdSource
{
    /// <summary>
    /// The id of the response object (<c>resp_…</c>), from the body's top level or a stream's <c>response</c>
    /// object; the first one seen. Null when none came, or one longer than <see cref="MaxIdChars"/> characters.
    /// </summary>
    string? ResponseId { get; }

    /// <summary>Longer ids are not kept: an id is routing data held in memory, bounded like all client-visible text.</summary>
    public const int MaxIdChars = 256;
}
