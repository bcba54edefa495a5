namespace DKube.Benchmarks.Slurm;

/// <summary>When the last job was accepted, and when the last one ended, both from the first submission.</summary>
public sealed record MixTiming(TimeSpan Submitted, TimeSpan Ended);
