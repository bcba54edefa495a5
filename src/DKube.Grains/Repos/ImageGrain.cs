using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Grains.Persistence;
using DKube.Storage.Secrets;

namespace DKube.Grains.Repos;

public sealed class ImageGrain(
    [PersistentState("image")] IPersistentState<ImageState> state,
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
        // 404 when there is nothing to delete.
        _ = Current();
        // The listing row and the name go in the same transaction (ImageState projects them).
        await state.SaveAsync(DeactivateOnIdle, clear: true);
    }

    public Task<ImageView?> Get() => Task.FromResult(state.State.View);

    private ImageView Current() => state.State.View ?? throw DomainException.NotFound("Image", this.GetPrimaryKeyString());

    private async Task<ImageView> SaveAsync(ImageView view)
    {
        var before = state.State.View;
        state.State.View = view;
        await state.SaveAsync(() =>
        {
            // Not stored (a name taken, storage away): memory goes back to what is stored.
            state.State.View = before;
            DeactivateOnIdle();
        });
        return view;
    }
}
