using DKube.Storage.Grains;

namespace DKube.Grains.Tenancy;

[GenerateSerializer]
[Alias("dkube.state.user")]
public sealed class UserState : IProjectedState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public List<string> Roles { get; set; } = [];

    [Id(2)]
    public byte[] TokenHash { get; set; } = [];

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The user's row: what a bearer token resolves to. Its change is announced to every API process's token cache.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (Exists)
        {
            projection.User(key, Roles, TokenHash, CreatedAt);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
    }
}
