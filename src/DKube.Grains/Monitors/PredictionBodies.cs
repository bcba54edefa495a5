using System.Globalization;
using System.Text.Json;
using DKube.Abstractions.Serving;

namespace DKube.Grains.Monitors;

/// <summary>
/// The rows of a logged request: its V1 body <c>{"instances": [[...], ...]}</c> (cells in the
/// order of the schema's input columns) or <c>{"instances": [{"col": value}, ...]}</c>, and its
/// answer <c>{"predictions": [...]}</c> (one per instance). A body that is neither gives no rows:
/// a malformed request the model refused is not data.
/// </summary>
public static class PredictionBodies
{
    /// <summary>The instances of <paramref name="record"/>; the n-th gets the id <c>requestId#n</c> when there are several.</summary>
    public static IReadOnlyList<LiveRow> Rows(PredictionRecord record, IReadOnlyList<string> inputColumns)
    {
        if (record.Inputs is null || record.Status is < 200 or >= 300)
        {
            return [];
        }

        try
        {
            using var inputs = JsonDocument.Parse(record.Inputs);
            if (inputs.RootElement.ValueKind != JsonValueKind.Object
                || !inputs.RootElement.TryGetProperty("instances", out var instances) || instances.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var predictions = Predictions(record.Outputs);
            var count = instances.GetArrayLength();
            var rows = new List<LiveRow>(count);
            var index = 0;
            foreach (var instance in instances.EnumerateArray())
            {
                var cells = new Dictionary<string, string>(StringComparer.Ordinal);
                if (instance.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var cell in instance.EnumerateArray())
                    {
                        if (i < inputColumns.Count && Cell(cell) is { } text)
                        {
                            cells[inputColumns[i]] = text;
                        }

                        i++;
                    }
                }
                else if (instance.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in instance.EnumerateObject())
                    {
                        if (Cell(property.Value) is { } text)
                        {
                            cells[property.Name] = text;
                        }
                    }
                }

                var id = count == 1 ? record.RequestId : $"{record.RequestId}#{index}";
                rows.Add(new LiveRow(id, cells, index < predictions.Count ? predictions[index] : null));
                index++;
            }

            return rows;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The scalar predictions of an answer (null for one that is not a scalar).</summary>
    private static IReadOnlyList<string?> Predictions(string? outputs)
    {
        if (outputs is null)
        {
            return [];
        }

        using var answer = JsonDocument.Parse(outputs);
        return answer.RootElement.ValueKind == JsonValueKind.Object
            && answer.RootElement.TryGetProperty("predictions", out var predictions) && predictions.ValueKind == JsonValueKind.Array
            ? predictions.EnumerateArray().Select(Cell).ToList()
            : [];
    }

    /// <summary>A scalar as the baseline CSV would spell it: numbers as written (so 1 matches a CSV's "1"), strings as they are.</summary>
    private static string? Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>A cell as a number, if it is one.</summary>
    public static double? Number(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null;
}
