namespace DKube.Integration.Tests.Repos.Private;

/// <summary>The private-access tests share one sshd, one git http host and one server; they run beside the other repository tests.</summary>
[CollectionDefinition(Name)]
public sealed class PrivateRepoCollection : ICollectionFixture<PrivateRepoFixture>
{
    public const string Name = "repos-private";
}
