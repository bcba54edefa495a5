namespace DKube.Integration.Tests.Repos.Ssh;

/// <summary>The ssh tests share one sshd and one server; they run beside the other repository tests.</summary>
[CollectionDefinition(Name)]
public sealed class SshCollection : ICollectionFixture<SshRepoFixture>
{
    public const string Name = "repos-ssh";
}
