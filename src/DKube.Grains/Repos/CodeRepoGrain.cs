using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Grains.Persistence;
using DKube.Storage.Secrets;

namespace DKube.Grains.Repos;

public sealed class CodeRepoGrain(
    [PersistentState("code")] IPersistentState<CodeRepoState> state,
    ISecretProtector protector,
    PostgresCredentialMemory memory,
    RepoSettings settings,
    TimeProvider time) : Grain, ICodeRepoGrain
{
    public async Task<CodeRepoView> Create(CodeRepoSpec spec)
    {
        if (state.State.View is { } existing)
        {
            return existing.Name == spec.Name && existing.Owner == spec.Owner
                ? existing
                : throw DomainException.Conflict("already-exists", $"Code repository '{existing.Id}' already exists.");
        }

        var url = GitUrl.Parse(spec.Url, settings);
        byte[]? sealedCredentials = null;
        CredentialsView? credentials = null;
        if (spec.Credentials is { } given)
        {
            (sealedCredentials, credentials) = await SealAndRememberAsync(spec.Owner, url.Host, given);
        }
        else if (spec.UseLastCredentials)
        {
            sealedCredentials = await memory.FindSealedAsync(spec.Owner, url.Host, spec.LastCredentialsKind)
                ?? throw DomainException.Unprocessable("no-last-credentials", $"No credentials for '{url.Host}' were used before; pass 'credentials'.");
            credentials = protector.UnsealCredentials(sealedCredentials).View;
        }

        var id = this.GetPrimaryKeyString();
        state.State.SealedCredentials = sealedCredentials;
        return await SaveAsync(new CodeRepoView(
            id, spec.Name, spec.Owner, spec.Group, spec.Project, url.Url, url.Host, spec.Branch, spec.Commit, spec.Description, credentials, time.GetUtcNow(),
            string.IsNullOrEmpty(spec.KnownHosts) ? null : spec.KnownHosts));
    }

    public async Task<CodeRepoView> Update(CodeRepoChange change)
    {
        var current = Current();
        var url = change.Url is null ? new GitUrl(current.Url, current.Host) : GitUrl.Parse(change.Url, settings);
        var credentials = current.Credentials;
        // Credentials belong to the host they were given for: a URL pointed at another host
        // (by mistake, or to collect them there) loses them unless new ones come with it.
        if (change.RemoveCredentials || !string.Equals(url.Host, current.Host, StringComparison.OrdinalIgnoreCase))
        {
            (state.State.SealedCredentials, credentials) = (null, null);
        }

        if (change.Credentials is { } given)
        {
            (state.State.SealedCredentials, credentials) = await SealAndRememberAsync(current.Owner, url.Host, given);
        }

        return await SaveAsync(current with
        {
            Url = url.Url,
            Host = url.Host,
            Branch = change.Branch ?? current.Branch,
            Commit = change.Commit is null ? current.Commit : change.Commit.Length == 0 ? null : change.Commit,
            Description = change.Description ?? current.Description,
            Project = change.Project ?? current.Project,
            Credentials = credentials,
            KnownHosts = change.KnownHosts is null ? current.KnownHosts : change.KnownHosts.Length == 0 ? null : change.KnownHosts,
        });
    }

    public async Task Delete()
    {
        // 404 when there is nothing to delete.
        _ = Current();
        // The listing row and the name go in the same transaction (CodeRepoState projects them).
        await state.SaveAsync(DeactivateOnIdle, clear: true);
    }

    public Task<CodeRepoView?> Get() => Task.FromResult(state.State.View);

    public Task<CodeAccess> GetAccess()
    {
        var current = Current();
        return Task.FromResult(new CodeAccess(current.Url, current.Branch, current.Commit, state.State.SealedCredentials, current.KnownHosts));
    }

    private CodeRepoView Current() => state.State.View ?? throw DomainException.NotFound("Code repository", this.GetPrimaryKeyString());

    private async Task<(byte[] Sealed, CredentialsView View)> SealAndRememberAsync(string owner, string host, AccessCredentials credentials)
    {
        var sealedCredentials = protector.Seal(credentials);
        await memory.RememberAsync(owner, host, credentials.Kind, credentials.Username, sealedCredentials);
        return (sealedCredentials, credentials.View);
    }

    private async Task<CodeRepoView> SaveAsync(CodeRepoView view)
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
