using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;

namespace DKube.Api.Contracts;

/// <summary>Which group a new resource goes to.</summary>
public static class CallerGroups
{
    /// <summary>The named group if the caller is a member, else the caller's first group; 422 when there is none.</summary>
    public static string Resolve(Caller caller, string? requested)
    {
        if (requested is not null)
        {
            return caller.Groups.Contains(requested) || caller.IsOperator
                ? requested
                : throw DomainException.NotFound("Group", requested);
        }

        return caller.Groups.FirstOrDefault()
            ?? throw DomainException.Unprocessable("no-group", $"User '{caller.Name}' belongs to no group; ask an operator to add them to one.");
    }
}
