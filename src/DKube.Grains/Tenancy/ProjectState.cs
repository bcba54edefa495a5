using DKube.Abstractions.Tenancy;

namespace DKube.Grains.Tenancy;

[GenerateSerializer]
[Alias("dkube.state.project")]
public sealed class ProjectState
{
    /// <summary>The project as it stands; null until created.</summary>
    [Id(0)]
    public ProjectView? View { get; set; }
}
