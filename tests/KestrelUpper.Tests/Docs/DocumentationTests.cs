using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using KestrelUpper.Hosting;

namespace KestrelUpper.Tests.Docs;

/// <summary>
/// The documentation stays true to the tree: every relative link in README.md and docs/ (and the other READMEs)
/// resolves, anchors included, and docs/configuration.md documents exactly the <c>Upper:*</c> keys the options
/// classes bind and appsettings.json sets.
/// </summary>
public sealed partial class DocumentationTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string> Documents()
    {
        var documents = new TheoryData<string>();
        foreach (string path in DocumentPaths())
        {
            documents.Add(Path.GetRelativePath(Root, path));
        }

        return documents;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves_to_a_file_and_heading(string document)
    {
        string path = Path.Combine(Root, document);
        var broken = new List<string>();
        foreach (Match link in LinkPattern().Matches(StripCode(File.ReadAllText(path))))
        {
            string target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            string[] parts = target.Split('#', 2);
            string file = parts[0].Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(parts[0])));
            if (!File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add($"{target} (no such file)");
                continue;
            }

            if (parts.Length == 2 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(file).Contains(parts[1]))
            {
                broken.Add($"{target} (no such heading)");
            }
        }

        Assert.True(broken.Count == 0, $"{document}: {string.Join(", ", broken)}");
    }

    [Fact]
    public void Every_configuration_key_is_documented_and_every_documented_key_exists()
    {
        string reference = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var documented = new HashSet<string>(DocumentedKeyPattern().Matches(reference).Select(m => m.Groups["key"].Value), StringComparer.OrdinalIgnoreCase);
        var bound = new HashSet<string>(BoundKeys(typeof(UpperOptions), UpperOptions.SectionName), StringComparer.OrdinalIgnoreCase);
        var shipped = new HashSet<string>(ShippedKeys(), StringComparer.OrdinalIgnoreCase);

        Assert.Empty(bound.Except(documented).Order()); // bound by the options classes, not in the reference
        Assert.Empty(shipped.Except(documented).Order()); // set in appsettings.json, not in the reference
        Assert.Empty(shipped.Where(k => k.StartsWith("Upper:", StringComparison.Ordinal)).Except(bound).Order()); // shipped but bound to nothing
        Assert.Empty(documented.Where(k => k.StartsWith("Upper:", StringComparison.Ordinal)).Except(bound).Except(RetiredKeys()).Order());
        Assert.Contains("Upper:Tcp:Port", bound); // the walk found the keys at all
    }

    [Fact]
    public void The_readme_stays_a_five_minute_read()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        Assert.True(lines.Length <= 260, $"README.md has {lines.Length} lines.");
        Assert.Contains(lines, l => l.Contains("dotnet run --project src/KestrelUpper", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("dotnet test KestrelUpper.sln", StringComparison.Ordinal));
    }

    /// <summary>The keys configuration binding reaches: settable properties, walking into the options classes.</summary>
    private static IEnumerable<string> BoundKeys(Type type, string prefix)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true })
            {
                continue; // computed (EffectiveEventLoops, Enabled, ...)
            }

            string key = $"{prefix}:{property.Name}";
            Type propertyType = property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsArray)
            {
                foreach (string nested in BoundKeys(propertyType, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    /// <summary>The keys appsettings.json sets (lists as one key; Serilog's per-category overrides as the pattern).</summary>
    private static IEnumerable<string> ShippedKeys()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "appsettings.json")));
        return [.. Walk(json.RootElement, "").Select(k => k.StartsWith("Serilog:MinimumLevel:Override:", StringComparison.Ordinal) ? "Serilog:MinimumLevel:Override:<category>" : k).Distinct()];

        static IEnumerable<string> Walk(JsonElement element, string prefix)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                yield return prefix;
                yield break;
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                foreach (string key in Walk(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}"))
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>The keys the "Retired keys" section names: documented on purpose, bound to nothing.</summary>
    private static IEnumerable<string> RetiredKeys()
    {
        string reference = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        int retired = reference.IndexOf("## Retired keys", StringComparison.Ordinal);
        Assert.True(retired >= 0, "docs/configuration.md has no Retired keys section");
        return DocumentedKeyPattern().Matches(reference[retired..]).Select(m => m.Groups["key"].Value);
    }

    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in StripCode(File.ReadAllText(markdown)).Split('\n'))
        {
            Match heading = HeadingPattern().Match(line);
            if (heading.Success)
            {
                // GitHub's rule: lower case, punctuation dropped, spaces to hyphens.
                string slug = SlugDropPattern().Replace(heading.Groups["text"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
                string unique = slug;
                for (int n = 1; !anchors.Add(unique); n++)
                {
                    unique = $"{slug}-{n}";
                }
            }
        }

        return anchors;
    }

    private static string StripCode(string markdown) => FencePattern().Replace(markdown, "");

    private static IEnumerable<string> DocumentPaths()
    {
        yield return Path.Combine(Root, "README.md");
        yield return Path.Combine(Root, "BENCHMARKS.md");
        foreach (string doc in Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md").Order())
        {
            yield return doc;
        }

        foreach (string readme in new[] { "deploy/README.md", "fuzz/README.md", "src/KestrelUpper.Client/README.md" })
        {
            string path = Path.Combine(Root, readme);
            if (File.Exists(path))
            {
                yield return path;
            }
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KestrelUpper.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No KestrelUpper.sln above the test binaries.");
    }

    // [text](target): images too; the target ends at whitespace or ')'.
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\s_-]")]
    private static partial Regex SlugDropPattern();

    [GeneratedRegex(@"^(```|~~~).*?^\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencePattern();

    // A key in a table row's first cell: | `Upper:Tcp:Port` |, or `Upper:Sockets:Transport=Direct` (retired value).
    [GeneratedRegex(@"^\|\s*`(?<key>(?:Upper|Serilog):[A-Za-z:<>]+)(?:=[^`]*)?`", RegexOptions.Multiline)]
    private static partial Regex DocumentedKeyPattern();
}
