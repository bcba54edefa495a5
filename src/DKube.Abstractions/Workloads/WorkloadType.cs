namespace DKube.Abstractions.Workloads;

public enum WorkloadType
{
    Run,
    Ide,
}
