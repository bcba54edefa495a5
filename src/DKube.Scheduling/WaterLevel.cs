namespace DKube.Scheduling;

/// <summary>
/// A water level of max-min fairness (<see cref="FairShare.Water"/>) and what it rests on: the slots
/// <see cref="Remaining"/> once the demands below the level are met, and the number of tenants
/// <see cref="Sharing"/> them (0 when every demand fits, and the level is the capacity).
/// </summary>
/// <param name="Level">The most slots any one tenant may hold.</param>
/// <param name="Remaining">Slots left for the tenants whose demand is above the level.</param>
/// <param name="Sharing">How many tenants share <paramref name="Remaining"/>; 0 when every demand fits.</param>
public readonly record struct WaterLevel(int Level, int Remaining, int Sharing)
{
    /// <summary>
    /// Whether the level stays the same when one tenant's demand goes from <paramref name="before"/> to
    /// <paramref name="after"/>. A tenant above the level (its demand times <see cref="Sharing"/> beyond
    /// <see cref="Remaining"/>) that stays above it changes nothing: the demands met in full and the slots
    /// left for the rest are the same, and it still sorts after every demand that is met. When every
    /// demand fits, one that shrinks still fits. Anything else (a tenant arriving or leaving, a demand
    /// below the level changing, one crossing it) may move the level.
    /// </summary>
    public bool Holds(int before, int after) =>
        Sharing == 0
            ? after <= before
            : (long)before * Sharing > Remaining && (long)after * Sharing > Remaining;
}
