using System.Globalization;
using System.Text;
using DKube.Abstractions.Errors;

namespace DKube.Api.Contracts;

/// <summary>The opaque cursor of a versions listing: the number of the last version of the page (versions never go away or renumber).</summary>
public static class VersionCursor
{
    private const string Prefix = "version|";

    public static string Encode(int version) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + version.ToString(CultureInfo.InvariantCulture)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The version a page starts after: 0 without a cursor.</summary>
    public static int Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var raw = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            if (raw.StartsWith(Prefix, StringComparison.Ordinal)
                && int.TryParse(raw.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                && version > 0)
            {
                return version;
            }
        }
        catch (FormatException)
        {
        }

        throw DomainException.Validation("cursor", "The cursor is not one this server issued.");
    }
}
