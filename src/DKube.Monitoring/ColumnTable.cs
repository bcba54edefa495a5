using System.Globalization;

namespace DKube.Monitoring;

/// <summary>The compared columns of a CSV (baseline or live window), read once, streaming, into memory.</summary>
public sealed class ColumnTable
{
    private readonly Dictionary<string, ColumnValues> columns;

    private ColumnTable(Dictionary<string, ColumnValues> columns, long rows)
    {
        this.columns = columns;
        Rows = rows;
    }

    /// <summary>Rows read.</summary>
    public long Rows { get; }

    /// <summary>The values of a compared column.</summary>
    public ColumnValues this[string column] => columns.TryGetValue(column, out var values)
        ? values
        : throw new SchemaException($"The column '{column}' was not read.");

    /// <summary>
    /// Reads the schema's compared columns (inputs and predictions) from the CSV; a compared column
    /// missing from its header is a <see cref="SchemaException"/>.
    /// </summary>
    public static ColumnTable Read(CsvReader csv, FeatureSchema schema)
    {
        var wanted = schema.Compared.ToArray();
        var missing = wanted.Where(c => csv.IndexOf(c.Name) < 0).Select(c => c.Name).ToArray();
        if (missing.Length > 0)
        {
            throw new SchemaException($"The columns {string.Join(", ", missing.Select(m => $"'{m}'"))} do not exist in the CSV (columns: {string.Join(", ", csv.Header)}).");
        }

        var indexes = wanted.Select(c => csv.IndexOf(c.Name)).ToArray();
        var numbers = wanted.Select(_ => new List<double>()).ToArray();
        var labels = wanted.Select(_ => new List<string>()).ToArray();
        var gaps = new long[wanted.Length];
        while (csv.TryReadRow(out var row))
        {
            for (var i = 0; i < wanted.Length; i++)
            {
                var cell = row[indexes[i]];
                if (cell.Length == 0)
                {
                    gaps[i]++;
                }
                else if (wanted[i].Kind == FeatureKind.Categorical)
                {
                    labels[i].Add(cell);
                }
                else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsNaN(number))
                {
                    numbers[i].Add(number);
                }
                else
                {
                    gaps[i]++;
                }
            }
        }

        var result = new Dictionary<string, ColumnValues>(StringComparer.Ordinal);
        for (var i = 0; i < wanted.Length; i++)
        {
            var sorted = numbers[i].ToArray();
            Array.Sort(sorted);
            result[wanted[i].Name] = new ColumnValues(wanted[i], sorted, [.. labels[i]], gaps[i]);
        }

        return new ColumnTable(result, csv.Rows);
    }

    /// <summary>A table from values already in memory (tests, benchmarks, predictions logged by the gateway).</summary>
    public static ColumnTable From(IEnumerable<ColumnValues> values, long rows) =>
        new(values.ToDictionary(v => v.Column.Name, v => v with { SortedNumbers = v.SortedNumbers.Order().ToArray() }, StringComparer.Ordinal), rows);
}
