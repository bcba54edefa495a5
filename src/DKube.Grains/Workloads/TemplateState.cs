using DKube.Abstractions.Workloads;

namespace DKube.Grains.Workloads;

[GenerateSerializer]
[Alias("dkube.state.template")]
public sealed class TemplateState
{
    [Id(0)]
    public TemplateView? View { get; set; }
}
