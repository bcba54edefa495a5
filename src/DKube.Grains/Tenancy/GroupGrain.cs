using DKube.Abstractions.Pools;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Persistence;

namespace DKube.Grains.Tenancy;

/// <summary>A group: the single writer of its pool size, clusters, member set, limits and the objects counted against its quotas.</summary>
public sealed class GroupGrain(
    [PersistentState("group")] IPersistentState<GroupState> state,
    QuotaDefaults quotas,
    TimeProvider time) : Grain, IGroupGrain
{
    private string Name => this.GetPrimaryKeyString();

    private IGroupPoolGrain Pool => GrainFactory.GetGrain<IGroupPoolGrain>(Name);

    public async Task<GroupView> Create(int gpus, IReadOnlyList<string> clusters, QueuePolicy? policy, TimeSpan? maxHeadAge)
    {
        if (state.State.Exists)
        {
            throw DomainException.Conflict("name-taken", $"Group '{Name}' already exists.");
        }

        state.State = new GroupState { Exists = true, Gpus = gpus, Clusters = [.. clusters], CreatedAt = time.GetUtcNow() };
        await SaveAsync();
        await Pool.Configure(gpus, state.State.Clusters, policy, maxHeadAge);
        return View();
    }

    public async Task<GroupView> Resize(int gpus, QueuePolicy? policy, TimeSpan? maxHeadAge)
    {
        RequireExists();
        state.State.Gpus = gpus;
        await SaveAsync();
        await Pool.Configure(gpus, state.State.Clusters, policy, maxHeadAge);
        return View();
    }

    public async Task<GroupView> AddMember(string user)
    {
        RequireExists();
        if (await GrainFactory.GetGrain<IUserGrain>(user).Get() is null)
        {
            throw DomainException.NotFound("User", user);
        }

        if (state.State.Members.Add(user))
        {
            await SaveAsync();
        }

        return View();
    }

    public async Task<GroupView> RemoveMember(string user)
    {
        RequireExists();
        if (!state.State.Members.Remove(user))
        {
            throw DomainException.NotFound("Member", user);
        }

        await SaveAsync();
        return View();
    }

    public async Task<GroupView> SetLimits(GroupLimits limits)
    {
        RequireExists();
        state.State.Limits = limits;
        await SaveAsync();
        // The pool counts what waits in it, so it checks the queued-workload quotas itself.
        await Pool.SetQueueQuota(limits.QueuedPerUser, limits.QueuedPerGroup);
        return View();
    }

    public Task<GroupLimits> GetLimits() => Task.FromResult(state.State.Limits ?? GroupLimits.None);

    public Task<GroupView?> Get() => Task.FromResult(state.State.Exists ? View() : null);

    public async Task ClaimObject(string quota, string id)
    {
        RequireExists();
        var limit = LimitOf(quota);
        if (!state.State.Claims.TryGetValue(quota, out var claimed))
        {
            claimed = new SortedSet<string>(StringComparer.Ordinal);
            state.State.Claims[quota] = claimed;
        }

        if (claimed.Contains(id))
        {
            return;
        }

        // Checked and counted in one turn of this (non-reentrant) grain: exact, however many race.
        if (claimed.Count >= limit)
        {
            throw DomainException.QuotaExceeded(new QuotaUse(Name, quota, limit, claimed.Count),
                $"Group '{Name}' has {claimed.Count} {quota}; its quota is {limit}.");
        }

        claimed.Add(id);
        await SaveAsync();
    }

    public async Task ReleaseObject(string quota, string id)
    {
        if (state.State.Claims.TryGetValue(quota, out var claimed) && claimed.Remove(id))
        {
            await SaveAsync();
        }
    }

    public Task<IReadOnlyList<QuotaUse>> GetObjectUse() => Task.FromResult<IReadOnlyList<QuotaUse>>(
    [
        UseOf(IObjectQuotas.Deployments),
        UseOf(IObjectQuotas.Monitors),
    ]);

    private QuotaUse UseOf(string quota) => new(Name, quota, LimitOf(quota), state.State.Claims.GetValueOrDefault(quota)?.Count ?? 0);

    /// <summary>The group's limit of an object quota: the operator's, else the server's default.</summary>
    private int LimitOf(string quota)
    {
        var limits = state.State.Limits ?? GroupLimits.None;
        return quota switch
        {
            IObjectQuotas.Deployments => limits.Deployments ?? quotas.Deployments,
            IObjectQuotas.Monitors => limits.Monitors ?? quotas.Monitors,
            _ => throw new ArgumentOutOfRangeException(nameof(quota), quota, "Queued workloads are counted by the group's pool."),
        };
    }

    private GroupView View() =>
        new(Name, state.State.Gpus, state.State.Clusters, [.. state.State.Members], state.State.CreatedAt, state.State.Limits);

    private void RequireExists()
    {
        if (!state.State.Exists)
        {
            throw DomainException.NotFound("Group", Name);
        }
    }

    /// <summary>Stores the group with its read-model rows (one transaction); if that fails, the next call reloads what is stored.</summary>
    private Task SaveAsync() => state.SaveAsync(DeactivateOnIdle);
}
