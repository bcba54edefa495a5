using System.Text;

namespace DKube.Monitoring;

/// <summary>
/// A streaming RFC 4180 reader: a header row, then rows with as many fields as the header; fields
/// may be quoted (with "" for a quote, and delimiters or line breaks inside); CRLF or LF; blank lines
/// are skipped. It holds one row at a time, so a baseline of any size streams through it. What is not
/// CSV is refused with a <see cref="CsvFormatException"/> naming the line: bytes that are not UTF-8
/// or NUL characters (binary files), an unterminated quote, text after a closing quote, a quote
/// inside an unquoted field, a row whose field count differs from the header's, an empty or
/// duplicated column name, or no header at all.
/// </summary>
public sealed class CsvReader : IDisposable
{
    private readonly TextReader reader;
    private readonly char delimiter;
    private readonly StringBuilder field = new();
    private readonly List<string> fields = [];
    private long line = 1;

    public CsvReader(TextReader reader, char delimiter = ',')
    {
        this.reader = reader;
        this.delimiter = delimiter;
        if (!TryReadFields(out var header))
        {
            throw new CsvFormatException("the input is empty: a CSV needs a header row", 1);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in header)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new CsvFormatException("the header has an empty column name", 1);
            }

            if (!seen.Add(name.Trim()))
            {
                throw new CsvFormatException($"the header names the column '{name}' twice", 1);
            }
        }

        Header = [.. header.Select(h => h.Trim())];
    }

    /// <summary>The column names of the header row.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Data rows read so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Opens a stream as strict UTF-8 (a byte that is not UTF-8 is refused as not CSV).</summary>
    public static CsvReader Open(Stream stream, char delimiter = ',')
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            return new CsvReader(new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true), delimiter);
        }
        catch (DecoderFallbackException e)
        {
            throw new CsvFormatException("the bytes are not UTF-8 text (a binary file?)", e);
        }
    }

    /// <summary>The index of a header column, or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (string.Equals(Header[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Reads the next data row; false at the end of the input.</summary>
    public bool TryReadRow(out string[] row)
    {
        var start = line;
        if (!TryReadFields(out row))
        {
            return false;
        }

        if (row.Length != Header.Count)
        {
            throw new CsvFormatException($"the row has {row.Length} fields where the header has {Header.Count}", start);
        }

        Rows++;
        return true;
    }

    public void Dispose() => reader.Dispose();

    private bool TryReadFields(out string[] row)
    {
        try
        {
            return TryReadFieldsCore(out row);
        }
        catch (DecoderFallbackException e)
        {
            throw new CsvFormatException($"Not valid CSV at line {line}: the bytes are not UTF-8 text (a binary file?)", e);
        }
    }

    private bool TryReadFieldsCore(out string[] row)
    {
        row = [];
        fields.Clear();
        field.Clear();
        int c;
        // Skip blank lines between rows.
        while ((c = reader.Peek()) is '\r' or '\n')
        {
            reader.Read();
            if (c == '\n')
            {
                line++;
            }
        }

        if (c == -1)
        {
            return false;
        }

        var quoted = false;
        var afterQuote = false;
        var fieldStart = true;
        while (true)
        {
            c = reader.Read();
            if (c == 0)
            {
                throw new CsvFormatException("a NUL character (a binary file?)", line);
            }

            if (quoted)
            {
                if (c == -1)
                {
                    throw new CsvFormatException("a quoted field is never closed", line);
                }

                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append((char)c);
                }

                continue;
            }

            if (c == -1 || c == '\n' || c == '\r' || c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                if (c == delimiter)
                {
                    afterQuote = false;
                    fieldStart = true;
                    continue;
                }

                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                if (c != -1)
                {
                    line++;
                }

                row = [.. fields];
                return true;
            }

            if (afterQuote)
            {
                throw new CsvFormatException($"'{(char)c}' after the closing quote of a field", line);
            }

            if (c == '"')
            {
                if (!fieldStart)
                {
                    throw new CsvFormatException("a quote inside an unquoted field", line);
                }

                quoted = true;
                fieldStart = false;
                continue;
            }

            fieldStart = false;
            field.Append((char)c);
        }
    }
}
