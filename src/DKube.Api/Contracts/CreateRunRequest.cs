using System.Text.Json;
using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

/// <summary>
/// POST /runs (and /templates): the create body of API.md. Omitted fields come from <c>template</c> or <c>cloneFrom</c>.
/// <c>cpus</c> and <c>memoryGiB</c> are per worker (defaults 1 and 2). <c>tuning</c> (a Katib
/// Experiment YAML, or its spec, as text) makes the run a hyperparameter study.
/// </summary>
public sealed record CreateRunRequest(
    string? Name,
    string? Kind,
    string? Group,
    string? Project,
    CodeRequest? Code,
    string? Image,
    string? Command,
    InputsRequest? Inputs,
    OutputRequest? Output,
    Dictionary<string, JsonElement>? Hyperparameters,
    int? Gpus,
    bool? StartWithAvailableGpus,
    DistributionRequest? Distribution,
    string? Cluster,
    IReadOnlyList<string>? Affinity,
    int? ExpectedMinutes,
    SlurmRequest? Slurm,
    string? CloneFrom,
    string? Template,
    double? Cpus = null,
    int? MemoryGiB = null,
    string? Tuning = null);
