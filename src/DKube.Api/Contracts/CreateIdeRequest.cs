using System.Text.Json;

namespace DKube.Api.Contracts;

/// <summary>POST /ides: like a run, without kind and output; <c>ide</c> is jupyterlab (default) or rstudio, <c>command</c> optional; <c>cpus</c>, <c>memoryGiB</c> as for runs.</summary>
public sealed record CreateIdeRequest(
    string? Name,
    string? Ide,
    string? Group,
    string? Project,
    CodeRequest? Code,
    string? Image,
    string? Command,
    InputsRequest? Inputs,
    Dictionary<string, JsonElement>? Hyperparameters,
    int? Gpus,
    bool? StartWithAvailableGpus,
    string? Cluster,
    IReadOnlyList<string>? Affinity,
    string? CloneFrom,
    double? Cpus = null,
    int? MemoryGiB = null);
