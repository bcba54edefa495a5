namespace DKube.Grains.Tenancy;

[GenerateSerializer]
[Alias("dkube.state.user")]
public sealed class UserState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public List<string> Roles { get; set; } = [];

    [Id(2)]
    public byte[] TokenHash { get; set; } = [];

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }
}
