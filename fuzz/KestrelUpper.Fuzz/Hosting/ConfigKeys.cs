using System.Reflection;
using KestrelUpper.Hosting;

namespace KestrelUpper.Fuzz.Hosting;

/// <summary>
/// Every real <c>Upper:*</c> key, read off <see cref="UpperOptions"/> (so a new option is fuzzed without editing this
/// file), sorted so an input keeps meaning the same keys; array options also get their first elements.
/// </summary>
internal static class ConfigKeys
{
    private const int ArrayElements = 3;

    public static IReadOnlyList<string> All { get; } = Collect(typeof(UpperOptions), UpperOptions.SectionName).Order(StringComparer.Ordinal).ToArray();

    private static IEnumerable<string> Collect(Type type, string prefix)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is not { IsPublic: true })
            {
                continue; // computed (EffectiveTcpTransport, Enabled, ...): not bound
            }

            string key = $"{prefix}:{property.Name}";
            Type propertyType = property.PropertyType;
            if (propertyType.IsArray)
            {
                yield return key;
                for (int i = 0; i < ArrayElements; i++)
                {
                    yield return $"{key}:{i}";
                }
            }
            else if (propertyType.IsClass && propertyType != typeof(string))
            {
                yield return key; // a value on a section's own key
                foreach (string child in Collect(propertyType, key))
                {
                    yield return child;
                }
            }
            else
            {
                yield return key;
            }
        }
    }
}
