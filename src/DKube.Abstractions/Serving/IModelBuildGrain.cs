using Orleans.Concurrency;

namespace DKube.Abstractions.Serving;

/// <summary>
/// The image build of one model version and runtime, keyed by <see cref="ModelBuildRequest.IdOf"/>:
/// the single writer of its status. The build runs on the grain's silo off its turns; a reminder
/// takes it up again after a restart until it has ended.
/// </summary>
[Alias("dkube.IModelBuildGrain")]
public interface IModelBuildGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts the build (stored before this returns) and starts it. An existing build is answered as
    /// it is (409 when the request names another target); a failed one is started again.
    /// </summary>
    [Alias("Start")]
    Task<ModelBuildView> Start(ModelBuildRequest request);

    [Alias("Get")]
    [ReadOnly]
    Task<ModelBuildView?> Get();
}
