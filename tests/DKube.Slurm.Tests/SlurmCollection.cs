namespace DKube.Slurm.Tests;

/// <summary>One Slurm with 8 GPUs for all tests; they run one after another so GPU counts are predictable.</summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmFixture>
{
    public const string Name = "slurm";
}
