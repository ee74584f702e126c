using System.Buffers;
using System.Text;
using Gateway.Proxy.Admission;

namespace Gateway.Proxy.Multipart;

/// <summary>
/// Reads a <c>multipart/form-data</c> body as it passes, a piece at a time, never holding more than a part's
/// headers and one delimiter's worth of bytes: it keeps the values of the small text fields the gateway
/// prices by (<c>model</c>, <c>n</c>, <c>size</c>, <c>quality</c>, <c>response_format</c>) and where <c>model</c>'s value sits, and skips
/// the files. RFC 7578; the body is scanned as if it began with a CRLF, so every delimiter is <c>CRLF--boundary</c>.
/// </summary>
internal sealed class MultipartFormScanner
{
    public const string ModelField = "model";

    /// <summary>An audio answer's format: <c>text</c>, <c>srt</c> and <c>vtt</c> carry no usage (see <see cref="Admission.EndpointPricing"/>).</summary>
    public const string ResponseFormatField = "response_format";

    /// <summary>A field value longer than this is not kept (SPEC §9: client text is bounded); a model that long is refused.</summary>
    public const int MaxFieldBytes = ClientText.MaxModelBytes;

    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly string[] Wanted = [ModelField, "n", "size", "quality", ResponseFormatField];

    private enum State { Body, AfterDelimiter, Headers, Done }

    private readonly byte[] _delimiter;
    private readonly ArrayBufferWriter<byte> _pending = new(4096);
    private State _state = State.Body;
    private long _consumed = -2; // the virtual leading CRLF is not in the body
    private string? _field;
    private ArrayBufferWriter<byte>? _value;
    private bool _valueTooLong;
    private long _modelStart;

    public MultipartFormScanner(string boundary)
    {
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        Append("\r\n"u8);
    }

    /// <summary>The wanted fields seen whole; a value over <see cref="MaxFieldBytes"/> is kept as null.</summary>
    public Dictionary<string, string?> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Where <c>model</c>'s value sits in the body (bytes), once it has passed.</summary>
    public Range? ModelValue { get; private set; }

    public bool Done => _state == State.Done;

    /// <summary>What is wrong with the body's framing, when something is.</summary>
    public string? Error { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_state == State.Done || Error is not null)
            return;
        _pending.Write(bytes);
        while (Error is null && _state != State.Done && Step())
        {
        }
    }

    /// <returns>Whether it consumed something and may go on.</returns>
    private bool Step()
    {
        var pending = _pending.WrittenSpan;
        switch (_state)
        {
            case State.Body:
                var at = pending.IndexOf(_delimiter);
                if (at < 0)
                {
                    // All but a delimiter's length minus one is surely content: pass it on, keep the rest.
                    var sure = pending.Length - (_delimiter.Length - 1);
                    if (sure <= 0)
                        return false;
                    Keep(pending[..sure]);
                    Consume(sure);
                    return true;
                }
                Keep(pending[..at]);
                EndPart(_consumed + at);
                Consume(at + _delimiter.Length);
                _state = State.AfterDelimiter;
                return true;
            case State.AfterDelimiter:
                if (pending.Length < 2)
                    return false;
                if (pending.StartsWith("--"u8))
                    _state = State.Done;
                else if (pending.StartsWith("\r\n"u8))
                    _state = State.Headers;
                else
                    Error = "a multipart delimiter is followed by neither CRLF nor '--'";
                Consume(2);
                return true;
            case State.Headers:
                var end = pending.IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    if (pending.Length > MaxHeaderBytes)
                        Error = $"a part's headers are longer than {MaxHeaderBytes} bytes";
                    return false;
                }
                BeginPart(Encoding.UTF8.GetString(pending[..end]), _consumed + end + 4);
                Consume(end + 4);
                _state = State.Body;
                return true;
            default:
                return false;
        }
    }

    private void BeginPart(string headers, long valueStart)
    {
        _field = null;
        foreach (var line in headers.Split("\r\n"))
        {
            if (!line.StartsWith("Content-Disposition:", StringComparison.OrdinalIgnoreCase))
                continue;
            var name = Parameter(line, "name");
            // A file is never a priced field, whatever its name.
            if (name is not null && Parameter(line, "filename") is null && Wanted.Contains(name))
                _field = name;
        }
        _value = _field is null ? null : new ArrayBufferWriter<byte>(64);
        _valueTooLong = false;
        _modelStart = valueStart;
    }

    private void Keep(ReadOnlySpan<byte> content)
    {
        if (_value is null || _valueTooLong)
            return;
        if (_value.WrittenCount + content.Length > MaxFieldBytes)
            _valueTooLong = true;
        else
            _value.Write(content);
    }

    private void EndPart(long valueEnd)
    {
        if (_field is not null && !Fields.ContainsKey(_field))
        {
            Fields[_field] = _valueTooLong ? null : Encoding.UTF8.GetString(_value!.WrittenSpan);
            if (_field == ModelField)
                ModelValue = new Range((int)_modelStart, (int)valueEnd);
        }
        _field = null;
        _value = null;
    }

    private void Consume(int count)
    {
        var rest = _pending.WrittenSpan[count..].ToArray();
        _pending.Clear();
        _pending.Write(rest);
        _consumed += count;
    }

    /// <summary>A <c>name="value"</c> parameter of a Content-Disposition line (quoted, as browsers and SDKs send it).</summary>
    private static string? Parameter(string line, string name)
    {
        foreach (var piece in line.Split(';'))
        {
            var part = piece.Trim();
            if (part.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
                return part[(name.Length + 1)..].Trim('"');
        }
        return null;
    }
}
