using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;

namespace DKube.Api.Auth;

/// <summary>
/// The one write rule of the API, applied by every endpoint that changes or deletes an existing
/// resource: its owner (or an operator) may; members of its group only read it (403); whoever
/// cannot see it at all got a 404 from the visibility check before this.
/// </summary>
public static class WriteRule
{
    public static bool CanChange(this Caller caller, string owner) => caller.IsOperator || owner == caller.Name;

    /// <summary>Throws 403 <c>forbidden</c> unless <paramref name="caller"/> owns the resource or is an operator.</summary>
    public static void RequireOwner(this Caller caller, string owner, string what, string id)
    {
        if (!caller.CanChange(owner))
        {
            throw DomainException.Forbidden($"Only the owner of {what} '{id}' (or an operator) may change or delete it; its group's members may read it.");
        }
    }
}
