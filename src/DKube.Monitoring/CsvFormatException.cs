namespace DKube.Monitoring;

/// <summary>The input is not CSV (or not the CSV expected): the message says what and where, for a 422.</summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(string message, long line)
        : base($"Not valid CSV at line {line}: {message}") => Line = line;

    public CsvFormatException()
    {
    }

    public CsvFormatException(string message)
        : base(message)
    {
    }

    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based line where the problem was found (0 when unknown).</summary>
    public long Line { get; }
}
