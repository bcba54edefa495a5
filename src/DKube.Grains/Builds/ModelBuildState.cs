using DKube.Abstractions.Serving;

namespace DKube.Grains.Builds;

[GenerateSerializer]
[Alias("dkube.state.model-build")]
public sealed class ModelBuildState
{
    /// <summary>The build as it stands; null until accepted.</summary>
    [Id(0)]
    public ModelBuildView? View { get; set; }
}
