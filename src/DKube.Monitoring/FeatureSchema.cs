using System.Globalization;

namespace DKube.Monitoring;

/// <summary>
/// The columns a monitor knows, derived from the baseline CSV and editable. Inference: a column
/// whose every non-empty value parses as a number (invariant culture) is continuous unless it has
/// at most <see cref="SchemaHints.MaxCategoricalDistinct"/> distinct values; any other column is
/// categorical. Roles come from the hints, else from the name (case-insensitive): id / request_id /
/// requestId -> Id; timestamp / time / ts / datetime / date / created_at -> Timestamp; label / target
/// / y / ground_truth / actual -> Label; prediction / predicted / pred / y_pred -> Prediction; any
/// other column is an Input.
/// </summary>
public sealed record FeatureSchema(IReadOnlyList<FeatureColumn> Columns)
{
    private static readonly string[] IdNames = ["id", "request_id", "requestid", "request-id"];
    private static readonly string[] TimestampNames = ["timestamp", "time", "ts", "datetime", "date", "created_at"];
    private static readonly string[] LabelNames = ["label", "target", "y", "ground_truth", "groundtruth", "actual"];
    private static readonly string[] PredictionNames = ["prediction", "predicted", "pred", "y_pred"];

    /// <summary>The columns whose drift is measured: inputs (data drift) and predictions (concept drift).</summary>
    public IEnumerable<FeatureColumn> Compared => Columns.Where(c => c.Role is ColumnRole.Input or ColumnRole.Prediction);

    /// <summary>Reads the whole baseline once (streaming, one row held) and infers its schema.</summary>
    public static FeatureSchema Infer(CsvReader csv, SchemaHints? hints = null)
    {
        hints ??= new SchemaHints();
        RequireHinted(csv.Header, hints);
        var width = csv.Header.Count;
        var numeric = Enumerable.Repeat(true, width).ToArray();
        var distinct = Enumerable.Range(0, width).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        var cap = hints.MaxCategoricalDistinct + 1;
        while (csv.TryReadRow(out var row))
        {
            for (var i = 0; i < width; i++)
            {
                var value = row[i];
                if (value.Length == 0)
                {
                    continue;
                }

                if (numeric[i] && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    numeric[i] = false;
                }

                if (distinct[i].Count < cap)
                {
                    distinct[i].Add(value);
                }
            }
        }

        return Infer(csv.Header, numeric, distinct.Select(d => d.Count).ToArray(), csv.Rows, hints);
    }

    /// <summary>
    /// The schema of columns already read: whether each column's non-empty cells all parse as
    /// numbers, and how many distinct non-empty values it has (counted at least up to
    /// <see cref="SchemaHints.MaxCategoricalDistinct"/> + 1). The rule of <see cref="Infer(CsvReader, SchemaHints?)"/>.
    /// </summary>
    public static FeatureSchema Infer(IReadOnlyList<string> header, IReadOnlyList<bool> numeric, IReadOnlyList<int> distinct, long rows, SchemaHints? hints = null)
    {
        hints ??= new SchemaHints();
        RequireHinted(header, hints);
        if (rows == 0)
        {
            throw new SchemaException("The baseline has a header but no rows.");
        }

        var columns = new List<FeatureColumn>(header.Count);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            var kind = numeric[i] && distinct[i] > hints.MaxCategoricalDistinct ? FeatureKind.Continuous : FeatureKind.Categorical;
            columns.Add(new FeatureColumn(name, kind, RoleOf(name, hints)));
        }

        return new FeatureSchema(columns);
    }

    /// <summary>The named column; a <see cref="SchemaException"/> if there is none.</summary>
    public FeatureColumn Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? throw new SchemaException($"The column '{name}' does not exist in the schema (columns: {string.Join(", ", Columns.Select(c => c.Name))}).");

    /// <summary>The first column with the role, if any.</summary>
    public FeatureColumn? WithRole(ColumnRole role) => Columns.FirstOrDefault(c => c.Role == role);

    /// <summary>
    /// An edited copy: the column's kind and/or role changed. Id, timestamp, label and prediction are
    /// single roles, so giving one to a column moves it: the column that had it becomes Ignored.
    /// </summary>
    public FeatureSchema With(string name, FeatureKind? kind = null, ColumnRole? role = null)
    {
        var target = Column(name);
        var single = role is ColumnRole.Id or ColumnRole.Timestamp or ColumnRole.Label or ColumnRole.Prediction;
        var columns = Columns.Select(c =>
            ReferenceEquals(c, target) ? c with { Kind = kind ?? c.Kind, Role = role ?? c.Role }
            : single && c.Role == role ? c with { Role = ColumnRole.Ignored }
            : c).ToList();
        return new FeatureSchema(columns);
    }

    private static void RequireHinted(IReadOnlyList<string> header, SchemaHints hints)
    {
        foreach (var named in new[] { hints.Id, hints.Timestamp, hints.Label, hints.Prediction })
        {
            if (named is not null && !header.Contains(named, StringComparer.Ordinal))
            {
                throw new SchemaException($"The column '{named}' does not exist in the baseline (columns: {string.Join(", ", header)}).");
            }
        }
    }

    private static ColumnRole RoleOf(string name, SchemaHints hints)
    {
        if (name == hints.Id)
        {
            return ColumnRole.Id;
        }

        if (name == hints.Timestamp)
        {
            return ColumnRole.Timestamp;
        }

        if (name == hints.Label)
        {
            return ColumnRole.Label;
        }

        if (name == hints.Prediction)
        {
            return ColumnRole.Prediction;
        }

        var lower = name.ToLowerInvariant();
        // A guess by name never takes a role the hints gave to another column.
        return IdNames.Contains(lower) && hints.Id is null ? ColumnRole.Id
            : TimestampNames.Contains(lower) && hints.Timestamp is null ? ColumnRole.Timestamp
            : LabelNames.Contains(lower) && hints.Label is null ? ColumnRole.Label
            : PredictionNames.Contains(lower) && hints.Prediction is null ? ColumnRole.Prediction
            : ColumnRole.Input;
    }
}
