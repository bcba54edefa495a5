using Orleans.Concurrency;
namespace DKube.Abstractions.Workloads;

/// <summary>A run template: a named spec that new runs start from.</summary>
[Alias("dkube.ITemplateGrain")]
public interface ITemplateGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<TemplateView> Create(string owner, WorkloadSpec spec);

    [Alias("Get")]
    [ReadOnly]
    Task<TemplateView?> Get();
}
