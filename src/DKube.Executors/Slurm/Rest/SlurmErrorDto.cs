namespace DKube.Executors.Slurm.Rest;

/// <summary>
/// One entry of slurmrestd's <c>errors[]</c>. The field names differ between endpoints
/// (submit: error_code/error; job and kill: error_number/description), so both are read.
/// </summary>
internal sealed class SlurmErrorDto
{
    public int? ErrorCode { get; init; }
    public int? ErrorNumber { get; init; }
    public string? Error { get; init; }
    public string? Description { get; init; }

    public int Code => ErrorCode ?? ErrorNumber ?? 0;

    public string Message =>
        string.IsNullOrEmpty(Description) ? Error ?? "unknown error"
        : string.IsNullOrEmpty(Error) || Description.Contains(Error, StringComparison.Ordinal) ? Description
        : $"{Error}: {Description}";
}
