using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Storage.ReadModel;
using DKube.Storage.Secrets;

namespace DKube.Grains.Repos;

public sealed class ImageGrain(
    [PersistentState("image")] IPersistentState<ImageState> state,
    ReadModelWriter readModel,
    NameRegistry names,
    ISecretProtector protector,
    TimeProvider time) : Grain, IImageGrain
{
    public async Task<ImageView> Create(ImageSpec spec)
    {
        if (state.State.View is { } existing)
        {
            return existing.Name == spec.Name && existing.Owner == spec.Owner
                ? existing
                : throw DomainException.Conflict("already-exists", $"Image '{existing.Id}' already exists.");
        }

        var id = this.GetPrimaryKeyString();
        await readModel.ClaimNameAsync(RepoKinds.Image, spec.Group, spec.Name, id);
        state.State.SealedCredentials = spec.Credentials is { } credentials ? protector.Seal(credentials) : null;
        return await SaveAsync(new ImageView(
            id, spec.Name, spec.Owner, spec.Group, spec.Project, spec.Url, spec.Description, spec.Credentials?.View, time.GetUtcNow()));
    }

    public Task<ImageView> Update(string? description, string? project)
    {
        var current = Current();
        return SaveAsync(current with { Description = description ?? current.Description, Project = project ?? current.Project });
    }

    public async Task Delete()
    {
        var current = Current();
        await state.ClearStateAsync();
        state.State = new ImageState();
        await readModel.DeleteResourceAsync(RepoKinds.Image, current.Id);
        await names.ReleaseAsync(RepoKinds.Image, current.Group, current.Name, current.Id);
    }

    public Task<ImageView?> Get() => Task.FromResult(state.State.View);

    private ImageView Current() => state.State.View ?? throw DomainException.NotFound("Image", this.GetPrimaryKeyString());

    private async Task<ImageView> SaveAsync(ImageView view)
    {
        state.State.View = view;
        await state.WriteStateAsync();
        await readModel.UpsertResourceAsync(new ResourceRow(RepoKinds.Image, view.Id, view.Name, view.Owner, view.Group, view.Project, null, view.CreatedAt, view));
        return view;
    }
}
