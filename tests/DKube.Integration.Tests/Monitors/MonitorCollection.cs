using DKube.Integration.Tests.Serving;

namespace DKube.Integration.Tests.Monitors;

/// <summary>The monitor tests share a serving server of their own (the serving tests' fixture, another instance).</summary>
[CollectionDefinition(Name)]
public sealed class MonitorCollection : ICollectionFixture<ServingFixture>
{
    public const string Name = "monitors";
}
