using System.Globalization;
using System.Text.Json;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Serving;

namespace DKube.Api.Endpoints;

/// <summary>
/// The body of <c>POST /deployments/{id}/predictions</c>: JSON lines
/// <c>{requestId, at, inputs, outputs, status?, latencyMs?}</c>. The whole body is read and checked
/// before anything is stored; a bad line refuses the body with 400 <c>invalid-predictions</c>
/// naming each bad line (the first <see cref="MaxReportedErrors"/>).
/// </summary>
internal static class PredictionLines
{
    /// <summary>Lines one body may hold: more are sent in several bodies.</summary>
    public const int MaxLines = 100_000;

    /// <summary>Bytes one body may hold (a larger one is answered 413).</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    private const int MaxReportedErrors = 20;
    private const int MaxRequestIdLength = 128;

    public static async Task<IReadOnlyList<PredictionRecord>> ReadAsync(Stream body, string deployment, CancellationToken cancellationToken)
    {
        var records = new List<PredictionRecord>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        using var reader = new StreamReader(body);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (records.Count == MaxLines)
            {
                Fail(errors, number, $"more than {MaxLines} predictions in one body; send them in several.");
                break;
            }

            if (Parse(line, deployment, out var why) is { } record)
            {
                records.Add(record);
            }
            else
            {
                Fail(errors, number, why!);
                if (errors.Count >= MaxReportedErrors)
                {
                    break;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(ErrorKind.Invalid, "invalid-predictions",
                $"{errors.Count}{(errors.Count >= MaxReportedErrors ? " or more" : "")} lines are not predictions ({string.Join("; ", errors.Take(3).Select(e => $"{e.Key}: {e.Value[0]}"))}); nothing was stored.",
                errors);
        }

        if (records.Count == 0)
        {
            throw DomainException.Validation("body", "holds no prediction: one JSON object per line, {requestId, at, inputs, outputs}.");
        }

        return records;
    }

    private static void Fail(Dictionary<string, string[]> errors, int line, string why) => errors[$"line {line}"] = [why];

    private static PredictionRecord? Parse(string line, string deployment, out string? why)
    {
        why = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            why = $"is not JSON ({e.Message.Split('.')[0]}).";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                why = "must be a JSON object {requestId, at, inputs, outputs}.";
                return null;
            }

            if (!root.TryGetProperty("requestId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 and <= MaxRequestIdLength } requestId)
            {
                why = $"requestId is required: a string of 1 to {MaxRequestIdLength} characters.";
                return null;
            }

            if (!root.TryGetProperty("at", out var atValue) || atValue.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(atValue.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                why = "at is required: an ISO 8601 time such as 2026-12-06T09:30:00Z.";
                return null;
            }

            // Status and latency are what the poster measured; absent (or null) they are unknown, not
            // 200 and 0 ms: monitors count the record as a request and leave it out of error rates
            // and latency percentiles. (TryGet* throws on a non-number, hence the kind checks.)
            int? status = null;
            if (Present(root, "status") is { } statusValue)
            {
                if (statusValue.ValueKind != JsonValueKind.Number || !statusValue.TryGetInt32(out var code) || code is < 100 or > 599)
                {
                    why = "status, when given, must be an HTTP status code (100 to 599).";
                    return null;
                }

                status = code;
            }

            double? latency = null;
            if (Present(root, "latencyMs") is { } latencyValue)
            {
                if (latencyValue.ValueKind != JsonValueKind.Number || !latencyValue.TryGetDouble(out var ms) || ms < 0 || !double.IsFinite(ms))
                {
                    why = "latencyMs, when given, must be a number of milliseconds, 0 or more.";
                    return null;
                }

                latency = ms;
            }

            return new PredictionRecord(deployment, requestId, at, status, latency, Raw(root, "inputs"), Raw(root, "outputs"));
        }
    }

    /// <summary>The JSON value as it was sent (monitors parse it), or null when absent.</summary>
    private static string? Raw(JsonElement root, string name) => Present(root, name)?.GetRawText();

    /// <summary>The property's value, or null when it is absent or JSON null.</summary>
    private static JsonElement? Present(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
