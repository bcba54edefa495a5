using DKube.Abstractions.Pipelines;

namespace DKube.Grains.Pipelines;

[GenerateSerializer]
[Alias("dkube.state.pipeline-cache")]
public sealed class PipelineCacheState
{
    [Id(0)]
    public PipelineCacheEntry? Entry { get; set; }
}
