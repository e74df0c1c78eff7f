namespace KestrelUpper.Text;

/// <summary>Which upper-casing the service applies.</summary>
public enum CasingMode
{
    /// <summary>Exactly Python 3 <c>str.upper()</c>: full Unicode case mapping (UnicodeData + unconditional SpecialCasing).</summary>
    Unicode = 0,

    /// <summary>Exactly Python <c>bytes.upper()</c>: only a-z change; every other byte passes through.</summary>
    Ascii = 1,
}
