namespace DKube.Abstractions.Repos;

/// <summary>An upload went over the configured limit (answered with 413).</summary>
public sealed class PayloadTooLargeException : Exception
{
    public PayloadTooLargeException()
        : base("The upload is larger than the server accepts.")
    {
    }

    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    public PayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PayloadTooLargeException(long limit)
        : base($"The upload is larger than the limit of {limit} bytes.")
    {
    }
}
