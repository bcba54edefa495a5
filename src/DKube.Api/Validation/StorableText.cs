namespace DKube.Api.Validation;

/// <summary>
/// Text PostgreSQL can store: no NUL character (text and jsonb refuse it) and no lone UTF-16
/// surrogate (it has no UTF-8 form). Input carrying either is the caller's mistake, a 400 naming
/// the field, never a database error that would read as "retry shortly".
/// </summary>
public static class StorableText
{
    public const string Message = "must not contain NUL characters or unpaired UTF-16 surrogates.";

    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text with each unstorable character replaced by U+FFFD, to name a field in an error answer.</summary>
    public static string Sanitize(string text)
    {
        if (IsStorable(text))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '\0')
            {
                chars[i] = '\uFFFD';
            }
            else if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }
}
