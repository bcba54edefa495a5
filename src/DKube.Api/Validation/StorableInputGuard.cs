using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DKube.Api.Validation;

/// <summary>
/// The one place where every request to the API is checked for text the database cannot store
/// (<see cref="StorableText"/>): the path, each query parameter, and every string and property
/// name of a JSON body at any depth (free-form values such as hyperparameters included), or a NUL
/// byte in a text body. The first offence is a 400 <c>validation</c> whose <c>errors</c> name the
/// field by its JSON path (<c>hyperparameters.opt</c>, <c>nodes[1].name</c>). Runs before the
/// endpoint binds its arguments, so no endpoint can forget it.
/// </summary>
public sealed class StorableInputGuard(RequestDelegate next)
{
    /// <summary>JSON bodies larger than this are not buffered twice (no JSON endpoint accepts one).</summary>
    private const long MaxScannedBytes = 16 * DKubeApi.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments(DKubeApi.BasePath, StringComparison.Ordinal))
        {
            var validator = new RequestValidator();
            validator.Check(StorableText.IsStorable(request.Path.Value), "path", StorableText.Message);
            foreach (var (key, values) in request.Query)
            {
                var ok = StorableText.IsStorable(key);
                foreach (var value in values)
                {
                    ok &= value is null || StorableText.IsStorable(value);
                }

                validator.Check(ok, StorableText.Sanitize(key), StorableText.Message);
            }

            validator.ThrowIfInvalid();
            if (BodyKind(request) is { } kind && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
            {
                await CheckBodyAsync(context, kind);
            }
        }

        await next(context);
    }

    private static async Task CheckBodyAsync(HttpContext context, Body kind)
    {
        var request = context.Request;
        if (request.ContentLength > MaxScannedBytes)
        {
            return;
        }

        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        request.Body.Position = 0;
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var field = kind == Body.Json ? UnstorableJsonField(bytes) : bytes.Contains((byte)0) ? "body" : null;
        if (field is not null)
        {
            new RequestValidator().Add(field, StorableText.Message).ThrowIfInvalid();
        }
    }

    /// <summary>
    /// The JSON path of the first string or property name that is not storable, or null. Only
    /// escaped tokens can hold one (a raw control character or surrogate is not valid JSON text),
    /// so unescaped ones are skipped unread. Malformed JSON ends the scan: the endpoint's own
    /// parser reports it as <c>malformed-json</c>.
    /// </summary>
    public static string? UnstorableJsonField(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var containers = new List<Container>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.ValueIsEscaped ? reader.GetString()! : null;
                        containers[^1].Property = name ?? reader.GetString();
                        if (name is not null && !StorableText.IsStorable(name))
                        {
                            return PathOf(containers);
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Occupy(containers);
                        containers.Add(new Container(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        containers.RemoveAt(containers.Count - 1);
                        break;
                    default:
                        Occupy(containers);
                        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && !StorableText.IsStorable(reader.GetString()))
                        {
                            return PathOf(containers);
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate that the reader refuses to turn into a string.
            return PathOf(containers);
        }

        return null;
    }

    private static void Occupy(List<Container> containers)
    {
        if (containers.Count > 0 && containers[^1].IsArray)
        {
            containers[^1].Index++;
        }
    }

    private static string PathOf(List<Container> containers)
    {
        var path = new System.Text.StringBuilder();
        foreach (var container in containers)
        {
            if (container.IsArray)
            {
                path.Append('[').Append(Math.Max(0, container.Index)).Append(']');
            }
            else if (container.Property is { } property)
            {
                path.Append(path.Length == 0 ? "" : ".").Append(StorableText.Sanitize(property));
            }
        }

        return path.Length == 0 ? "body" : path.ToString();
    }

    private static Body? BodyKind(HttpRequest request)
    {
        var type = request.ContentType;
        if (type is null)
        {
            return null;
        }

        if (request.HasJsonContentType())
        {
            return Body.Json;
        }

        return type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || type.Contains("yaml", StringComparison.OrdinalIgnoreCase) ? Body.Text : null;
    }

    private enum Body
    {
        Json,
        Text,
    }

    /// <summary>An object or array the reader is inside: the property being read, or the index of the element.</summary>
    private sealed class Container(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }
    }
}
