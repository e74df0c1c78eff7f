using System.Buffers;
using System.Text;
using KestrelUpper.Telemetry.Prometheus;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

public class PrometheusTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("say \"hi\"", "say \"hi\"")]
    [InlineData("\\\n", "\\\\\\n")]
    public void Help_text_escapes_backslash_and_newline_only(string input, string expected) =>
        Assert.Equal(expected, Render(o => PrometheusText.WriteHelpEscaped(o, input)));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("c:\\dir", "c:\\\\dir")]
    [InlineData("x\ny", "x\\ny")]
    [InlineData("\u00e9t\u00e9 \U0001F600", "\u00e9t\u00e9 \U0001F600")]
    public void Label_values_escape_backslash_quote_and_newline(string input, string expected) =>
        Assert.Equal(expected, Render(o => PrometheusText.WriteLabelValueEscaped(o, input)));

    [Theory]
    [InlineData(0.005, "0.005")]
    [InlineData(1.0, "1")]
    [InlineData(0.1, "0.1")]
    [InlineData(2.5, "2.5")]
    [InlineData(-3.75, "-3.75")]
    [InlineData(1e21, "1E+21")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Doubles_use_round_trip_invariant_form(double value, string expected) =>
        Assert.Equal(expected, Render(o => PrometheusText.WriteDouble(o, value)));

    [Fact]
    public void Doubles_round_trip_exactly()
    {
        double value = 0.1 + 0.2;

        string text = Render(o => PrometheusText.WriteDouble(o, value));

        Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(-42L, "-42")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void Longs_are_plain_integers(long value, string expected) =>
        Assert.Equal(expected, Render(o => PrometheusText.WriteLong(o, value)));

    [Fact]
    public void Attribute_values_of_other_types_are_formatted()
    {
        Assert.Equal("true", Render(o => PrometheusText.WriteLabelValue(o, true)));
        Assert.Equal("8080", Render(o => PrometheusText.WriteLabelValue(o, 8080L)));
        Assert.Equal("1.5", Render(o => PrometheusText.WriteLabelValue(o, 1.5)));
        Assert.Equal("[\\\"a\\\",\\\"b\\\\\\\"c\\\"]", Render(o => PrometheusText.WriteLabelValue(o, new[] { "a", "b\"c" })));
        Assert.Equal("[1,2]", Render(o => PrometheusText.WriteLabelValue(o, new long[] { 1, 2 })));
        Assert.Equal(string.Empty, Render(o => PrometheusText.WriteLabelValue(o, null)));
    }

    private static string Render(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
