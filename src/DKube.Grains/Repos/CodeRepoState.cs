using DKube.Abstractions.Repos;

namespace DKube.Grains.Repos;

[GenerateSerializer]
[Alias("dkube.state.code-repo")]
public sealed class CodeRepoState
{
    /// <summary>The repository as it stands; null until created (and again once deleted).</summary>
    [Id(0)]
    public CodeRepoView? View { get; set; }

    /// <summary>The credentials, sealed with the server's secrets key (never stored in the clear).</summary>
    [Id(1)]
    public byte[]? SealedCredentials { get; set; }
}
