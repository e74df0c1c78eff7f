using System.Globalization;
using System.Text;

namespace KestrelUpper.Testing;

/// <summary>
/// The samples of a Prometheus text exposition (what <c>GET /metrics</c> returns), read by name and labels, so a
/// test does not depend on how the exporter spells an empty label set (<c>name 1</c> or <c>name{} 1</c>).
/// </summary>
public sealed class MetricsScrape
{
    private MetricsScrape(string text, IReadOnlyList<MetricSample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<MetricSample> Samples { get; }

    /// <exception cref="FormatException">A sample line is not <c>name[{labels}] value</c>.</exception>
    public static MetricsScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length > 0 && line[0] != '#')
            {
                samples.Add(ParseSample(line));
            }
        }

        return new MetricsScrape(text, samples);
    }

    public static async Task<MetricsScrape> GetAsync(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).ConfigureAwait(false));
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly the labels <paramref name="labels"/> (<c>key=value</c>).</summary>
    public double Value(string name, params string[] labels)
    {
        var wanted = labels.Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        MetricSample[] matches = Samples.Where(s => s.Name == name && s.Labels.Count == wanted.Count && wanted.All(w => s.Labels.TryGetValue(w.Key, out string? v) && v == w.Value)).ToArray();
        return matches.Length == 1
            ? matches[0].Value
            : throw new InvalidOperationException($"{matches.Length} samples {name}{{{string.Join(',', labels)}}} in:\n{Text}");
    }

    private static MetricSample ParseSample(string line)
    {
        int nameEnd = line.IndexOfAny(['{', ' ']);
        if (nameEnd <= 0)
        {
            throw new FormatException($"Not a sample line: {line}");
        }

        string name = line[..nameEnd];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = nameEnd;
        if (line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int equals = line.IndexOf('=', i);
                string key = line[i..equals];
                i = equals + 2; // past ="
                var value = new StringBuilder();
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }

                labels[key] = value.ToString();
                i++; // past the closing quote
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++; // past }
        }

        string[] rest = line[i..].Trim().Split(' ');
        double parsed = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new MetricSample(name, labels, parsed);
    }
}
