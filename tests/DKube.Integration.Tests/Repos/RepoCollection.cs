namespace DKube.Integration.Tests.Repos;

/// <summary>The repository tests share one server (starting a silo per class would dominate their time).</summary>
[CollectionDefinition(Name)]
public sealed class RepoCollection : ICollectionFixture<RepoFixture>
{
    public const string Name = "repos";
}
