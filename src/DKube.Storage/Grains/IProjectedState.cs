namespace DKube.Storage.Grains;

/// <summary>
/// Grain state that has a face in the read model (a listing row, a claimed name, a user's token
/// hash). <see cref="BatchedGrainStorage"/> writes what the state describes in the same
/// transaction as the state itself, so the two never disagree after a crash and a name is never
/// claimed by state that was not stored (nor lost by state that was).
/// </summary>
public interface IProjectedState
{
    /// <summary>What the read model must say while this state is stored under <paramref name="key"/>.</summary>
    void ProjectWrite(string key, Projection projection);

    /// <summary>What must leave the read model when this state (as it stands before the clear) is cleared.</summary>
    void ProjectClear(string key, Projection projection);
}
