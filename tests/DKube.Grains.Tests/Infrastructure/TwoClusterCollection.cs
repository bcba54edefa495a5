namespace DKube.Grains.Tests.Infrastructure;

/// <summary>The tests that need silos in different execution clusters share one such test cluster.</summary>
[CollectionDefinition(Name)]
public sealed class TwoClusterCollection : ICollectionFixture<TwoClusterFixture>
{
    public const string Name = "grains-two-clusters";
}
