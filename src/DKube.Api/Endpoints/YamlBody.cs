using DKube.Abstractions.Errors;
using Microsoft.AspNetCore.Http;

namespace DKube.Api.Endpoints;

/// <summary>The one way an endpoint takes a YAML document as its whole body.</summary>
public static class YamlBody
{
    /// <summary>The media types a YAML body may be sent as.</summary>
    public static readonly string[] MediaTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/plain"];

    /// <summary>Whether the request says its body is YAML.</summary>
    public static bool IsYaml(HttpRequest request) =>
        MediaTypes.Contains(request.ContentType?.Split(';')[0].Trim().ToLowerInvariant());

    /// <summary>The body as text; 400 when it is empty.</summary>
    public static async Task<string> ReadAsync(HttpContext http, string what)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync(http.RequestAborted);
        return string.IsNullOrWhiteSpace(text) ? throw DomainException.Validation("body", $"Send {what} as the request body.") : text;
    }
}
