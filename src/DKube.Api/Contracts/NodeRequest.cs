namespace DKube.Api.Contracts;

public sealed record NodeRequest(string? Name, int? Gpus, int? Cpus, int? MemoryGiB, IReadOnlyList<string>? Labels);
