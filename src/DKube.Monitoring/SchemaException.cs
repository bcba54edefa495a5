namespace DKube.Monitoring;

/// <summary>A schema edit or a data set does not fit (a column that does not exist, a role given twice): a 422.</summary>
public sealed class SchemaException : Exception
{
    public SchemaException()
    {
    }

    public SchemaException(string message)
        : base(message)
    {
    }

    public SchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
