using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Slurm;

/// <summary>One server and one Slurm for every Slurm test; they run one after another because they share its 8 GPUs.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmLabFixture>
{
    public const string Name = "slurm-http";
}
