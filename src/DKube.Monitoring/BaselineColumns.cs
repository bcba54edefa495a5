using System.Globalization;

namespace DKube.Monitoring;

/// <summary>
/// Every column of a baseline CSV read in one pass and kept compactly: each cell as a code into
/// its column's distinct texts (a text repeated is held once) and each distinct text's number,
/// when it is one. Enough to infer the schema (<see cref="Infer"/>) and to give the compared
/// columns of any edit of it (<see cref="Table"/>), with the values <see cref="ColumnTable.Read"/>
/// would read, without reading the CSV a second time.
/// </summary>
public sealed class BaselineColumns
{
    private readonly Column[] _columns;

    private BaselineColumns(IReadOnlyList<string> header, Column[] columns, long rows)
    {
        Header = header;
        _columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows read.</summary>
    public long Rows { get; }

    /// <summary>Reads the whole CSV (streaming, one row held besides the coded columns).</summary>
    public static BaselineColumns Read(CsvReader csv)
    {
        var columns = csv.Header.Select(_ => new Column()).ToArray();
        while (csv.TryReadRow(out var row))
        {
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i].Add(row[i]);
            }
        }

        return new BaselineColumns(csv.Header, columns, csv.Rows);
    }

    /// <summary>The schema <see cref="FeatureSchema.Infer(CsvReader, SchemaHints?)"/> infers from the same CSV.</summary>
    public FeatureSchema Infer(SchemaHints? hints = null) =>
        FeatureSchema.Infer(Header, _columns.Select(c => c.Numeric).ToArray(), _columns.Select(c => c.Distinct).ToArray(), Rows, hints);

    /// <summary>The schema's compared columns, as <see cref="ColumnTable.Read"/> reads them; a compared column not in the CSV is a <see cref="SchemaException"/>.</summary>
    public ColumnTable Table(FeatureSchema schema)
    {
        var values = new List<ColumnValues>();
        foreach (var column in schema.Compared)
        {
            var index = Header.ToList().IndexOf(column.Name);
            if (index < 0)
            {
                throw new SchemaException($"The column '{column.Name}' does not exist in the CSV (columns: {string.Join(", ", Header)}).");
            }

            values.Add(_columns[index].Values(column));
        }

        return ColumnTable.From(values, Rows);
    }

    private sealed class Column
    {
        private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
        private readonly List<string> _texts = [];
        private readonly List<int> _cells = [];

        /// <summary>Whether every non-empty cell parses as a number (the inference's rule).</summary>
        public bool Numeric { get; private set; } = true;

        /// <summary>Distinct non-empty texts.</summary>
        public int Distinct => _texts.Count - (_codes.ContainsKey("") ? 1 : 0);

        public void Add(string cell)
        {
            if (!_codes.TryGetValue(cell, out var code))
            {
                code = _texts.Count;
                _codes[cell] = code;
                _texts.Add(cell);
                if (cell.Length > 0 && Numeric && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    Numeric = false;
                }
            }

            _cells.Add(code);
        }

        /// <summary>The column's values as <paramref name="column"/>'s kind reads them: empty cells (and, continuous, cells that are no number) are missing.</summary>
        public ColumnValues Values(FeatureColumn column)
        {
            long missing = 0;
            if (column.Kind == FeatureKind.Categorical)
            {
                var labels = new List<string>(_cells.Count);
                foreach (var code in _cells)
                {
                    if (_texts[code].Length == 0)
                    {
                        missing++;
                    }
                    else
                    {
                        labels.Add(_texts[code]);
                    }
                }

                return new ColumnValues(column, [], [.. labels], missing);
            }

            var parsed = _texts.Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && !double.IsNaN(n) ? n : double.NaN).ToArray();
            var numbers = new List<double>(_cells.Count);
            foreach (var code in _cells)
            {
                if (double.IsNaN(parsed[code]))
                {
                    missing++;
                }
                else
                {
                    numbers.Add(parsed[code]);
                }
            }

            return new ColumnValues(column, [.. numbers], [], missing);
        }
    }
}
