using System.Text.RegularExpressions;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace DKube.Api.Validation;

/// <summary>
/// Reads a featureset specification: a YAML list of <c>{name, description?, schema}</c>, where
/// schema is a scalar type, optionally as a list (<c>list&lt;float64&gt;</c>).
/// </summary>
public static partial class FeatureSpecParser
{
    public const int MaxFeatures = 2000;

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "bool", "int32", "int64", "float32", "float64", "string", "bytes", "timestamp", "date",
    };

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    public static IReadOnlyList<FeatureField> Parse(string yaml, string field = "featureSpec")
    {
        List<FeatureYaml>? items;
        try
        {
            items = Yaml.Deserialize<List<FeatureYaml>?>(yaml);
        }
        catch (YamlException e)
        {
            throw DomainException.Validation(field, $"is not a YAML list of features: {e.Message}");
        }

        var validator = new RequestValidator();
        validator.Check(items is { Count: > 0 and <= MaxFeatures }, field, $"must list 1 to {MaxFeatures} features.");
        validator.ThrowIfInvalid();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items!.Count; i++)
        {
            var item = items[i];
            var at = $"{field}[{i}]";
            validator.Check(item is not null && item.Name is { } name && FeatureName().IsMatch(name), $"{at}.name", "must be an identifier (letters, digits, '_', at most 128).");
            validator.Check(item?.Name is null || names.Add(item.Name), $"{at}.name", "appears twice.");
            validator.Check(item?.Description is null || item.Description.Length <= 1024, $"{at}.description", "must be at most 1024 characters.");
            validator.Check(item?.Schema is { } schema && IsType(schema), $"{at}.schema", $"must be one of {string.Join(", ", Types)}, or list<type>.");
        }

        validator.ThrowIfInvalid();
        return items.Select(i => new FeatureField(i!.Name!, i.Description, i.Schema!)).ToList();
    }

    private static bool IsType(string schema) =>
        Types.Contains(schema) || (schema.StartsWith("list<", StringComparison.Ordinal) && schema.EndsWith('>') && Types.Contains(schema[5..^1]));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex FeatureName();

    // YamlDotNet fills settable properties; unknown keys are refused by its default settings.
    private sealed class FeatureYaml
    {
        public string? Name { get; set; }

        public string? Description { get; set; }

        public string? Schema { get; set; }
    }
}
