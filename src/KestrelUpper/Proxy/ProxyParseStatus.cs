namespace KestrelUpper.Proxy;

/// <summary>What <see cref="ProxyHeaderParser.TryParse"/> made of the bytes so far.</summary>
internal enum ProxyParseStatus
{
    /// <summary>The bytes are a (possibly empty) start of a header or of a signature: read more.</summary>
    NeedMoreData = 0,

    /// <summary>A whole, valid header; the connection's own data starts at <c>consumed</c>.</summary>
    Complete = 1,

    /// <summary>The first bytes match neither signature: this is not a PROXY header.</summary>
    NotProxy = 2,

    /// <summary>A signature followed by a header that breaks the spec (or is truncated past its own limit).</summary>
    Invalid = 3,
}
