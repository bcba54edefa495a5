using DKube.Abstractions.Errors;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Serving;

/// <summary>An imported deployment: stored before it is acknowledged, served elsewhere (no replicas, no routes to serve), idempotent, unchangeable here.</summary>
[Collection(GrainCollection.Name)]
public sealed class DeploymentImportTests(GrainClusterFixture fixture)
{
    private static DeploymentSpec Spec(string group, string name) => new(name, group, null, null, new DeploymentModel("", "", 0),
        new ServingRuntime("external", null, null, null, ""), 0, null, null, 0, 0, DeploymentSpec.DefaultMaxConcurrentRequests, "local", true, false);

    [Fact]
    public async Task An_import_is_stored_with_no_replicas_survives_reactivation_and_a_repeat_returns_it()
    {
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));
        await group.Create(0, [], null, null);
        var grain = fixture.Grains.GetGrain<IDeploymentGrain>(GrainClusterFixture.NewKey("d"));
        var view = await grain.Import(Spec(group.GetPrimaryKeyString(), "ext"), "https://elsewhere/ext", "amy");

        Assert.Equal((DeploymentStatus.Imported, "https://elsewhere/ext", new ReplicaCounts(0, 0)), (view.Status, view.ImportedUrl, view.Replicas));
        // The view the listing row is projected from says where it is served.
        Assert.Equal("https://elsewhere/ext", view.Endpoint);
        Assert.Empty(view.ReplicaList);
        Assert.Equal(view, await grain.Import(Spec(group.GetPrimaryKeyString(), "ext"), "https://elsewhere/ext", "amy"));
        var other = await Assert.ThrowsAsync<DomainException>(() => grain.Import(Spec(group.GetPrimaryKeyString(), "ext"), "https://elsewhere/other", "amy"));
        Assert.Equal("already-exists", other.Code);

        await fixture.DeactivateAsync(grain);
        var reloaded = await grain.Get();
        Assert.Equal(DeploymentStatus.Imported, reloaded!.Status);
        Assert.Equal([(0, 0)], (await grain.GetReplicaHistory()).Select(s => (s.Desired, s.Ready)));
        Assert.Equal(DeploymentStatus.Imported, (await grain.GetRoutes())!.Status);
        Assert.Empty((await grain.GetRoutes())!.Targets);
        // Served elsewhere: nothing here starts, stops or changes it.
        Assert.Equal(DeploymentStatus.Imported, (await grain.Start()).Status);
        Assert.Equal(DeploymentStatus.Imported, (await grain.Stop()).Status);
        var change = await Assert.ThrowsAsync<DomainException>(() => grain.Update(new DeploymentChange(null, 1, 2, null)));
        Assert.Equal(ErrorKind.Conflict, change.Kind);
        // It held a place in the group's deployments quota, as a served deployment does, until deleted.
        Assert.Equal(1, (await group.GetObjectUse()).Single(q => q.Quota == IObjectQuotas.Deployments).Use);
        await grain.Delete();
        Assert.Null(await grain.Get());
        Assert.Equal(0, (await group.GetObjectUse()).Single(q => q.Quota == IObjectQuotas.Deployments).Use);
    }
}
