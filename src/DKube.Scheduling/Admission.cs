namespace DKube.Scheduling;

/// <summary>A request that holds GPUs. For start-with-available requests the placement may hold fewer than asked, even none.</summary>
public sealed record Admission(GpuRequest Request, Placement Placement, DateTimeOffset AdmittedAt)
{
    public int Gpus => Placement.TotalGpus;

    /// <summary>When the request is expected to hand its GPUs back; drives the queue's start estimates.</summary>
    public DateTimeOffset ExpectedEnd => AdmittedAt + Request.ExpectedDuration;
}
