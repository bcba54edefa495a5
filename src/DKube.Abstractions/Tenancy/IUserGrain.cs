namespace DKube.Abstractions.Tenancy;

/// <summary>A user, keyed by name. Owns the user's roles and the hash of their token.</summary>
[Alias("dkube.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user and returns their first bearer token (shown once).</summary>
    [Alias("Create")]
    Task<string> Create(IReadOnlyList<string> roles);

    /// <summary>Creates or updates a user with a given token (the operator bootstrap).</summary>
    [Alias("Ensure")]
    Task Ensure(IReadOnlyList<string> roles, string token);

    /// <summary>Replaces the token; the old one stops working at once.</summary>
    [Alias("RotateToken")]
    Task<string> RotateToken();

    [Alias("Get")]
    Task<UserView?> Get();
}
