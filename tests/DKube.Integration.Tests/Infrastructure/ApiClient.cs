using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>A real HTTP client of the API, acting as one user.</summary>
public sealed class ApiClient(Uri baseUrl, string? token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public string? Token { get; } = token;

    public Uri BaseUrl { get; } = baseUrl;

    public ApiClient As(string? otherToken) => new(BaseUrl, otherToken);

    public Task<Reply> Get(string path) => Send(HttpMethod.Get, path, null);

    public Task<Reply> Delete(string path) => Send(HttpMethod.Delete, path, null);

    public Task<Reply> Post(string path, object? body = null) => Send(HttpMethod.Post, path, body);

    public Task<Reply> Put(string path, object? body = null) => Send(HttpMethod.Put, path, body);

    public Task<Reply> Patch(string path, object? body = null) => Send(HttpMethod.Patch, path, body);

    /// <summary>Sends a raw body (for malformed-input tests). <paramref name="expectContinue"/> asks the
    /// server before sending the body, as clients of large uploads do, so a refusal arrives as a
    /// response instead of a connection reset mid-upload.</summary>
    public async Task<Reply> SendRaw(HttpMethod method, string path, string body, string contentType = "application/json", bool expectContinue = false)
    {
        using var request = NewRequest(method, path);
        request.Headers.ExpectContinue = expectContinue;
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await SendAsync(request);
    }

    public async Task<Reply> Send(HttpMethod method, string path, object? body, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = NewRequest(method, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType());
        }

        return await SendAsync(request);
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : "/api/v1/" + path);
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        return request;
    }

    private async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text) { RetryAfter = response.Headers.RetryAfter?.ToString() };
    }
}
