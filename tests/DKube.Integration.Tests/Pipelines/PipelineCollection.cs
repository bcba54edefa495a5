using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Pipelines;

/// <summary>The pipeline tests share one server with a local cluster (a silo per class would dominate their time).</summary>
[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "pipelines";
}
