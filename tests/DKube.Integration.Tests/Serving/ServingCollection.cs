namespace DKube.Integration.Tests.Serving;

/// <summary>The serving tests share one server.</summary>
[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "serving";
}
