namespace DKube.Abstractions.Pools;

public enum PoolOutcome
{
    Admitted,
    Queued,
    Rejected,
}
