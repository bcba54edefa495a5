namespace DKube.Abstractions.Errors;

/// <summary>The kinds of domain error; each maps to one HTTP status.</summary>
public enum ErrorKind
{
    /// <summary>400: malformed request.</summary>
    Invalid,

    /// <summary>403: known caller, wrong role.</summary>
    Forbidden,

    /// <summary>404: missing or not visible.</summary>
    NotFound,

    /// <summary>409: name taken or invalid state change.</summary>
    Conflict,

    /// <summary>422: well formed but impossible.</summary>
    Unprocessable,

    /// <summary>503: a dependency (database, silo, backend) is unavailable.</summary>
    Unavailable,
}
