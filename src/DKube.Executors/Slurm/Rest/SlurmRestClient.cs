using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DKube.Executors.Slurm.Rest;

/// <summary>
/// The handful of slurmrestd calls the executor needs, with Slurm's <c>errors[]</c> turned into
/// <see cref="SlurmRejectedException"/>. Transport failures and answers that are not slurmrestd's
/// JSON (401 without a valid token, a proxy page) stay <see cref="HttpRequestException"/>: they
/// are the platform's problem, not the caller's.
/// </summary>
internal sealed class SlurmRestClient : IDisposable
{
    /// <summary>ESLURM_INVALID_JOB_ID: the job is unknown (never existed, or gone after MinJobAge).</summary>
    public const int InvalidJobId = 2017;

    /// <summary>ESLURM_ALREADY_DONE: cancelling a job that already ended.</summary>
    public const int AlreadyDone = 2021;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly SlurmOptions options;
    private readonly string apiBase;

    private SlurmRestClient(HttpClient http, bool ownsHttp, SlurmOptions options)
    {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.options = options;
        apiBase = $"{options.BaseUrl.ToString().TrimEnd('/')}/slurm/{options.ApiVersion}";
    }

    /// <param name="shared">A client owned by the caller (e.g. from IHttpClientFactory); when null
    /// the REST client makes its own, with <see cref="SlurmOptions.RequestTimeout"/>, and disposes it.</param>
    public static SlurmRestClient Create(SlurmOptions options, HttpClient? shared) =>
        shared is null
            ? new SlurmRestClient(new HttpClient { Timeout = options.RequestTimeout }, ownsHttp: true, options)
            : new SlurmRestClient(shared, ownsHttp: false, options);

    public async Task<long> SubmitAsync(SlurmJobSubmitDto submission, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, "/job/submit");
        // slurmrestd 22.05 refuses "application/json; charset=utf-8" (its header parser fails
        // and answers a malformed 400), so the content type goes without parameters.
        request.Content = new StringContent(JsonSerializer.Serialize(submission, Json), Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var answer = await SendAsync<SlurmSubmitResponseDto>(request, "job submission", cancellationToken);
        return answer.JobId ?? throw new HttpRequestException("slurmrestd accepted a submission without a job_id");
    }

    public async Task<IReadOnlyList<SlurmJobDto>> GetJobsAsync(CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, "/jobs");
        var answer = await SendAsync<SlurmJobsResponseDto>(request, "listing jobs", cancellationToken);
        return answer.Jobs ?? [];
    }

    /// <summary>The job, or null when Slurm does not know it (any more).</summary>
    public async Task<SlurmJobDto?> GetJobAsync(long jobId, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, "/job/" + jobId.ToString(CultureInfo.InvariantCulture));
        try
        {
            var answer = await SendAsync<SlurmJobsResponseDto>(request, "reading a job", cancellationToken);
            return answer.Jobs is [var job, ..] ? job : null;
        }
        catch (SlurmRejectedException e) when (e.ErrorCode == InvalidJobId)
        {
            return null;
        }
    }

    /// <summary>
    /// Cancels the job (slurmctld sends SIGTERM, then SIGKILL after the cluster's KillWait).
    /// Returns false when the job is unknown or already ended.
    /// </summary>
    public async Task<bool> CancelAsync(long jobId, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Delete, "/job/" + jobId.ToString(CultureInfo.InvariantCulture));
        try
        {
            await SendAsync<SlurmResponseDto>(request, "cancelling a job", cancellationToken);
            return true;
        }
        catch (SlurmRejectedException e) when (e.ErrorCode is InvalidJobId or AlreadyDone)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<SlurmNodeDto>> GetNodesAsync(CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, "/nodes");
        var answer = await SendAsync<SlurmNodesResponseDto>(request, "listing nodes", cancellationToken);
        return answer.Nodes ?? [];
    }

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(apiBase + path));
        request.Headers.Add("X-SLURM-USER-NAME", options.UserName);
        request.Headers.Add("X-SLURM-USER-TOKEN", options.Token);
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
        where T : SlurmResponseDto
    {
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        T? answer = null;
        try
        {
            answer = string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            // Not slurmrestd's JSON (e.g. the plain-text 401): reported below by status code.
        }

        // slurmrestd puts client errors in errors[] and answers 500 for most of them, so the
        // list, not the status code, says whether Slurm refused.
        if (answer?.Errors is [var first, ..])
        {
            throw new SlurmRejectedException(first.Code, first.Message, operation);
        }

        if (!response.IsSuccessStatusCode || answer is null)
        {
            throw new HttpRequestException(
                $"slurmrestd answered {(int)response.StatusCode} to {operation}: {Truncate(body)}",
                null,
                response.StatusCode);
        }

        return answer;
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
