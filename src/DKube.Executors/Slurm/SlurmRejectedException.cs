namespace DKube.Executors.Slurm;

/// <summary>
/// Slurm refused a request (slurmrestd answers most client errors with HTTP 500 and an
/// <c>errors[]</c> list). It is the caller's request that is wrong, e.g. error 2014 "Requested
/// node configuration is not available" for more GPUs than any node has, so the API maps this to
/// 422 problem details rather than letting it surface as a 500.
/// </summary>
public sealed class SlurmRejectedException : Exception
{
    public SlurmRejectedException(int errorCode, string slurmMessage, string? operation = null)
        : base($"Slurm rejected {operation ?? "the request"}: {slurmMessage} (error {errorCode})")
    {
        ErrorCode = errorCode;
        SlurmMessage = slurmMessage;
        Operation = operation;
    }

    public SlurmRejectedException()
        : this(0, "unknown error")
    {
    }

    public SlurmRejectedException(string message)
        : base(message)
    {
        SlurmMessage = message;
    }

    public SlurmRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        SlurmMessage = message;
    }

    /// <summary>Slurm's own error number (slurm_errno.h), e.g. 2014 or 2017 "Invalid job id specified".</summary>
    public int ErrorCode { get; }

    /// <summary>Slurm's words for it.</summary>
    public string SlurmMessage { get; }

    /// <summary>What was asked (e.g. "job submission").</summary>
    public string? Operation { get; }
}
