namespace DKube.Grains.Tests.Infrastructure;

/// <summary>
/// Two silos, one in cluster <see cref="East"/> and one in <see cref="West"/>; a third silo a test
/// starts joins as <see cref="South"/>, which has no silo until then.
/// </summary>
public sealed class TwoClusterFixture() : GrainClusterFixture(2, [East, West, South])
{
    public const string East = "east";
    public const string West = "west";
    public const string South = "south";
}
