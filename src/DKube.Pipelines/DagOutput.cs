namespace DKube.Pipelines;

/// <summary>A DAG output: the output <see cref="OutputKey"/> of its task <see cref="ProducerSubtask"/>.</summary>
public sealed record DagOutput(string ProducerSubtask, string OutputKey);
