namespace DKube.Executors.Slurm;

/// <summary>One line of the jobcomp/filetxt log: a job's final record.</summary>
internal sealed record SlurmJobCompEntry(long JobId, string Name, string State, int ExitCode, int Signal);
