using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Serving;
using DKube.Grains.Builds;
using DKube.Grains.Tests.Infrastructure;
using DKube.Grains.Tests.Workloads;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Grains.Tests.Builds;

/// <summary>
/// The build grain: refusals leave nothing stored; an accepted build is stored, ends Failed with its
/// reason when the registry does not answer (real buildah, a port nothing listens on), stays so across
/// a reactivation, and a new Start is a new attempt. The push itself is pinned end to end in
/// <c>DKube.Integration.Tests.Serving.ModelBuildTests</c> against a real registry.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class ModelBuildGrainTests(GrainClusterFixture fixture)
{
    /// <summary>A registry address nothing answers at (tcpmux's port, never served here).</summary>
    private const string DeadRegistry = "127.0.0.1:1";

    private ModelBuildOptions Options => fixture.Services.GetRequiredService<ModelBuildOptions>();

    private static ModelBuildRequest Request(string repo, string? registry = null, string? tag = null) =>
        new(repo, "m", 1, ServingRuntime.Sklearn, registry, null, tag, null, WorkloadWorld.Owner, "g", null);

    [Fact]
    public async Task Refused_builds_store_nothing()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var withModel = await world.RepoAsync(fixture, RepoKind.Model, WorkloadWorld.Owner, [("model.joblib", "bytes")]);
        var withoutModel = await world.RepoAsync(fixture, RepoKind.Model, WorkloadWorld.Owner, [("sub/model.joblib", "not at the top")]);
        var registry = Options.Registry;
        try
        {
            Options.Registry = null;
            await Refused(withModel, Request(withModel), "no-registry");
            Options.Registry = DeadRegistry;
            await Refused(withModel, Request(withModel, registry: "registry.example.com"), "registry-not-allowed");
            await Refused(withModel, Request(withModel) with { BaseImage = "docker.io/library/python:3.11" }, "base-image-not-allowed");
            await Refused(withoutModel, Request(withoutModel), "no-model-file");
        }
        finally
        {
            Options.Registry = registry;
        }
    }

    [Fact]
    public async Task A_registry_that_does_not_answer_fails_the_stored_build_and_a_new_start_is_a_second_attempt()
    {
        var world = await WorkloadWorld.CreateAsync(fixture);
        var repo = await world.RepoAsync(fixture, RepoKind.Model, WorkloadWorld.Owner, [("model.pkl", "pickle")]);
        var (registry, tls) = (Options.Registry, Options.TlsVerify);
        try
        {
            (Options.Registry, Options.TlsVerify) = (DeadRegistry, false);
            var grain = fixture.Grains.GetGrain<IModelBuildGrain>(ModelBuildRequest.IdOf(repo, 1, ServingRuntime.Sklearn));
            var accepted = await grain.Start(Request(repo));
            Assert.Equal((ModelBuildStatus.Pending, 1, $"{Options.Registry}/dkube/m:v1"), (accepted.Status, accepted.Attempt, accepted.Image));

            var failed = (await Eventually.Until(grain.Get, v => v!.Ended, TimeSpan.FromMinutes(3), "the build ended"))!;
            Assert.Equal(ModelBuildStatus.Failed, failed.Status);
            Assert.Contains("push failed", failed.Reason, StringComparison.Ordinal);
            Assert.Null(failed.Digest);
            Assert.Null(failed.CatalogImage);

            await fixture.DeactivateAsync(grain);
            var stored = (await grain.Get())!;
            Assert.Equal((ModelBuildStatus.Failed, failed.Reason), (stored.Status, stored.Reason));

            // A failed build is started again by the next Start, with the target it names.
            var retried = await grain.Start(Request(repo, tag: "again"));
            Assert.Equal((ModelBuildStatus.Pending, 2, $"{Options.Registry}/dkube/m:again"), (retried.Status, retried.Attempt, retried.Image));
            Assert.Null(retried.Reason);
            Assert.Equal(ModelBuildStatus.Failed, (await Eventually.Until(grain.Get, v => v!.Ended, TimeSpan.FromMinutes(3), "the second attempt ended"))!.Status);
        }
        finally
        {
            (Options.Registry, Options.TlsVerify) = (registry, tls);
        }
    }

    private async Task Refused(string repo, ModelBuildRequest request, string code)
    {
        var grain = fixture.Grains.GetGrain<IModelBuildGrain>(ModelBuildRequest.IdOf(repo, 1, ServingRuntime.Sklearn));
        var refused = await Assert.ThrowsAsync<DomainException>(() => grain.Start(request));
        Assert.Equal((ErrorKind.Unprocessable, code), (refused.Kind, refused.Code));
        Assert.Null(await grain.Get());
    }
}
