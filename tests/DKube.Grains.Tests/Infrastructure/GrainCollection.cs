namespace DKube.Grains.Tests.Infrastructure;

/// <summary>The grain tests share one test cluster (starting a silo costs seconds); each test uses fresh keys.</summary>
[CollectionDefinition(Name)]
public sealed class GrainCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grains";
}
