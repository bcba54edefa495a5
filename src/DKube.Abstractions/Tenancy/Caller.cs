namespace DKube.Abstractions.Tenancy;

/// <summary>Who is asking: resolved by the API from the bearer token and passed to grains.</summary>
[GenerateSerializer]
[Alias("dkube.caller")]
public sealed record Caller(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Roles,
    [property: Id(2)] IReadOnlyList<string> Groups)
{
    public bool IsOperator => Roles.Contains(Tenancy.Roles.Operator);

    /// <summary>The visibility rule: owners and members of the owning group (and operators) see a resource.</summary>
    public bool CanSee(string owner, string group) =>
        IsOperator || owner == Name || Groups.Contains(group);
}
