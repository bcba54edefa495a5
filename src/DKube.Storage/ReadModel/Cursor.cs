using System.Globalization;
using System.Text;
using DKube.Abstractions.Errors;

namespace DKube.Storage.ReadModel;

/// <summary>An opaque keyset cursor: the sort key (created_at, id) of the last row of a page.</summary>
internal readonly record struct Cursor(DateTimeOffset CreatedAt, string Id)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{Id}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static Cursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var raw = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var bar = raw.IndexOf('|', StringComparison.Ordinal);
            var ticks = long.Parse(raw[..bar], CultureInfo.InvariantCulture);
            return new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), raw[(bar + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw DomainException.Validation("cursor", "The cursor is not one this server issued.");
        }
    }
}
