using System.Runtime.ExceptionServices;
using DKube.Abstractions.Errors;

namespace DKube.Grains.Persistence;

/// <summary>
/// Writes of grain state whose storage also writes its read model (<see cref="Storage.Grains.IProjectedState"/>):
/// such a write can be refused for a domain reason (a name another resource holds), which Orleans
/// hands back wrapped; it is unwrapped here so the caller gets its 409, not a storage error.
/// </summary>
public static class ProjectedWrites
{
    /// <summary>
    /// Writes (or, with <paramref name="clear"/>, clears) the state; if that fails, <paramref name="onFailure"/>
    /// runs first (memory is ahead of storage: the grain rolls back or deactivates) and the cause is thrown.
    /// </summary>
    public static async Task SaveAsync<T>(this IPersistentState<T> state, Action onFailure, bool clear = false)
    {
        try
        {
            await (clear ? state.ClearStateAsync() : state.WriteStateAsync());
        }
        catch (Exception e)
        {
            onFailure();
            if (e is OrleansException { InnerException: DomainException refused })
            {
                ExceptionDispatchInfo.Throw(refused);
            }

            throw;
        }
    }
}
