using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using DKube.Abstractions.Tenancy;
using DKube.Api;
using DKube.Api.Feeds;
using DKube.Api.Ides;
using Microsoft.AspNetCore.Components.Authorization;

namespace DKube.WebUi.Services;

/// <summary>
/// The UI's one way to the system, per circuit: the REST API called as the signed-in user (so every
/// rule the API applies, visibility first, applies to the UI unchanged) and this process's live feed
/// subscribed as the same caller (filtered by the same <c>LiveScope.VisibleTo</c> as SSE clients).
/// </summary>
public sealed class DKubeUiClient(AuthenticationStateProvider authentication, UiBackend backend, LiveFeed feed, GatewayAccess access) : IDisposable
{
    /// <summary>Answers are read leniently (the UI's row types keep only the fields they show).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private HttpClient? _http;
    private string? _token;

    /// <summary>The signed-in user's name.</summary>
    public async Task<string> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User.Identity?.Name ?? "";

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var response = await (await HttpAsync()).GetAsync(path, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var response = await (await HttpAsync()).PostAsJsonAsync(path, body ?? new { }, Json, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>A text stream that follows (a run's log with <c>follow=true</c>): chunks as they come, until it ends.</summary>
    public async IAsyncEnumerable<string> FollowAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await (await HttpAsync()).GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ThrowIfProblemAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            yield return new string(buffer, 0, read);
        }
    }

    /// <summary>The signed-in caller's subscription to <paramref name="topics"/>, resuming after <paramref name="after"/>.</summary>
    public async Task<LiveSubscription> SubscribeAsync(IReadOnlyCollection<string> topics, long? after = null, CancellationToken cancellationToken = default)
    {
        var caller = await access.CallerOfAsync(await TokenAsync(), cancellationToken)
            ?? throw new ApiProblem(System.Net.HttpStatusCode.Unauthorized, "Your token is no longer valid; sign in again.");
        return feed.Subscribe(caller, topics, after);
    }

    private async Task<string> TokenAsync()
    {
        if (_token is null)
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            _token = user.FindFirst(UiAuthentication.TokenClaim)?.Value
                ?? throw new ApiProblem(System.Net.HttpStatusCode.Unauthorized, "Not signed in.");
        }

        return _token;
    }

    private async Task<HttpClient> HttpAsync()
    {
        if (_http is null)
        {
            var http = new HttpClient(backend.Handler, disposeHandler: false)
            {
                BaseAddress = new Uri(backend.BaseAddress, DKubeApi.BasePath.TrimStart('/') + "/"),
                // Following a log lasts as long as the run; the page's cancellation ends it.
                Timeout = Timeout.InfiniteTimeSpan,
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
            _http = http;
        }

        return _http;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await ThrowIfProblemAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var message = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            if (problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail))
            {
                message = detail.GetString() ?? message;
            }
        }
        catch (JsonException)
        {
            // Not a problem document: the status line says enough.
        }

        throw new ApiProblem(response.StatusCode, message);
    }

    public void Dispose() => _http?.Dispose();
}
