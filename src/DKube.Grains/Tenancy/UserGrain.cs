using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Persistence;

namespace DKube.Grains.Tenancy;

public sealed class UserGrain(
    [PersistentState("user")] IPersistentState<UserState> state,
    TimeProvider time) : Grain, IUserGrain
{
    private string Name => this.GetPrimaryKeyString();

    public async Task<string> Create(IReadOnlyList<string> roles)
    {
        if (state.State.Exists)
        {
            throw DomainException.Conflict("name-taken", $"User '{Name}' already exists.");
        }

        var token = Tokens.New();
        state.State = new UserState { Exists = true, Roles = [.. roles], TokenHash = Tokens.Hash(token), CreatedAt = time.GetUtcNow() };
        await SaveAsync();
        return token;
    }

    public async Task Ensure(IReadOnlyList<string> roles, string token)
    {
        var hash = Tokens.Hash(token);
        if (state.State.Exists && state.State.Roles.SequenceEqual(roles) && state.State.TokenHash.AsSpan().SequenceEqual(hash))
        {
            // Still store it once more: the read model may have been lost while the grain state
            // was not, and the write re-projects it.
            await SaveAsync();
            return;
        }

        state.State.Exists = true;
        state.State.Roles = [.. roles];
        state.State.TokenHash = hash;
        if (state.State.CreatedAt == default)
        {
            state.State.CreatedAt = time.GetUtcNow();
        }

        await SaveAsync();
    }

    public async Task<string> RotateToken()
    {
        RequireExists();
        var token = Tokens.New();
        state.State.TokenHash = Tokens.Hash(token);
        await SaveAsync();
        return token;
    }

    public Task<UserView?> Get() =>
        Task.FromResult(state.State.Exists ? new UserView(Name, state.State.Roles, state.State.CreatedAt) : null);

    private void RequireExists()
    {
        if (!state.State.Exists)
        {
            throw DomainException.NotFound("User", Name);
        }
    }

    /// <summary>Stores the user with its read-model row (one transaction); if that fails, the next call reloads what is stored.</summary>
    private Task SaveAsync() => state.SaveAsync(DeactivateOnIdle);
}
