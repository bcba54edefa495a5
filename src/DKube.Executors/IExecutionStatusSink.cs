namespace DKube.Executors;

/// <summary>Where an executor pushes status changes (the grain layer routes them to the run or IDE grain).</summary>
public interface IExecutionStatusSink
{
    Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken);
}
