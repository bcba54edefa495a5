using DKube.Abstractions.Tenancy;

namespace DKube.Abstractions.Errors;

/// <summary>
/// A domain error that crosses grain calls intact and becomes a problem-details answer with a
/// stable <see cref="Code"/> (the problem's <c>type</c>).
/// </summary>
[GenerateSerializer]
[Alias("dkube.error")]
public sealed class DomainException : Exception
{
    public DomainException(ErrorKind kind, string code, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Kind = kind;
        Code = code;
        Errors = errors;
    }

    public DomainException()
        : this(ErrorKind.Invalid, "invalid", "Invalid request.")
    {
    }

    public DomainException(string message)
        : this(ErrorKind.Invalid, "invalid", message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid";
    }

    [Id(0)]
    public ErrorKind Kind { get; init; }

    [Id(1)]
    public string Code { get; init; }

    [Id(2)]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>For <c>quota-exceeded</c>: which quota, its limit and current use (the problem shows them).</summary>
    [Id(3)]
    public QuotaUse? Quota { get; init; }

    public static DomainException NotFound(string what, string id) =>
        new(ErrorKind.NotFound, "not-found", $"{what} '{id}' does not exist or is not visible to you.");

    public static DomainException Forbidden(string message) => new(ErrorKind.Forbidden, "forbidden", message);

    public static DomainException Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);

    public static DomainException Unprocessable(string code, string message) => new(ErrorKind.Unprocessable, code, message);

    public static DomainException QuotaExceeded(QuotaUse quota, string message) =>
        new(ErrorKind.Unprocessable, "quota-exceeded", message) { Quota = quota };

    public static DomainException Validation(string field, string message) =>
        new(ErrorKind.Invalid, "validation", message, new Dictionary<string, string[]> { [field] = [message] });
}
