namespace DKube.Testing;

/// <summary>Asking a server that may not be listening yet: what tests poll with <see cref="Eventually"/>.</summary>
public static class HttpProbe
{
    /// <summary>The body at <paramref name="url"/>, or null while nothing answers there (or answers an error).</summary>
    public static async Task<string?> TryGetStringAsync(this HttpClient http, string url)
    {
        try
        {
            return await http.GetStringAsync(url);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
