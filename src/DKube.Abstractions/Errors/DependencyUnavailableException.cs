namespace DKube.Abstractions.Errors;

/// <summary>
/// A dependency of a grain (the database, most often) failed or could not be reached. Grains
/// raise this in place of the driver's own exception, which Orleans cannot carry across a call;
/// the API answers it with 503 so the client retries.
/// </summary>
[GenerateSerializer]
[Alias("dkube.dependency-unavailable")]
public sealed class DependencyUnavailableException : Exception
{
    public DependencyUnavailableException()
        : base("A dependency is unavailable.")
    {
    }

    public DependencyUnavailableException(string message)
        : base(message)
    {
    }

    public DependencyUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
