using System.Text.RegularExpressions;
using DKube.Abstractions.Errors;

namespace DKube.Api.Validation;

/// <summary>
/// Collects field errors of one request and throws them together as a 400 with
/// <c>errors: {field: [messages]}</c>.
/// </summary>
public sealed partial class RequestValidator
{
    public const int MaxNameLength = 63;
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Lower-case DNS-label names: letters, digits and '-', starting and ending alphanumeric, at most 63 characters.</summary>
    public RequestValidator Name(string field, string? value, bool required = true)
    {
        if (value is null)
        {
            return required ? Add(field, "is required.") : this;
        }

        if (value.Length > MaxNameLength)
        {
            return Add(field, $"must be at most {MaxNameLength} characters.");
        }

        return DnsLabel().IsMatch(value) ? this : Add(field, "must be a lower-case DNS label: a-z, 0-9 and '-', starting and ending with a letter or digit.");
    }

    public RequestValidator Range(string field, int? value, int min, int max, bool required = true)
    {
        if (value is null)
        {
            return required ? Add(field, "is required.") : this;
        }

        return value < min || value > max ? Add(field, $"must be between {min} and {max}.") : this;
    }

    public RequestValidator Text(string field, string? value, int maxLength, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Add(field, "is required.") : this;
        }

        return value.Length > maxLength ? Add(field, $"must be at most {maxLength} characters.") : this;
    }

    public RequestValidator Check(bool ok, string field, string message) => ok ? this : Add(field, message);

    public RequestValidator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Throws a 400 naming every invalid field, if there is one.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count == 0)
        {
            return;
        }

        var errors = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        var detail = string.Join(" ", errors.Select(e => $"'{e.Key}' {string.Join(" ", e.Value)}"));
        throw new DomainException(ErrorKind.Invalid, "validation", detail, errors);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();
}
