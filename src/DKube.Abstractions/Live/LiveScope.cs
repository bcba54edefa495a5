using DKube.Abstractions.Tenancy;

namespace DKube.Abstractions.Live;

/// <summary>
/// Who may see an event: its owner and the members of its group (and operators), the same rule
/// as every endpoint (<see cref="Caller.CanSee"/>). A group-wide event (a pool, a group's
/// utilization) has no owner.
/// </summary>
[GenerateSerializer]
[Alias("dkube.live-scope")]
public sealed record LiveScope(
    [property: Id(0)] string? Owner,
    [property: Id(1)] string Group)
{
    /// <summary>An event of one user's resource in a group.</summary>
    public static LiveScope Of(string owner, string group) => new(owner, group);

    /// <summary>An event every member of <paramref name="group"/> sees.</summary>
    public static LiveScope OfGroup(string group) => new(null, group);

    public bool VisibleTo(Caller caller) =>
        Owner is null ? caller.IsOperator || caller.Groups.Contains(Group) : caller.CanSee(Owner, Group);
}
