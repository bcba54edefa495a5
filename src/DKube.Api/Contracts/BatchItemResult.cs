using DKube.Abstractions.Workloads;
using Microsoft.AspNetCore.Mvc;

namespace DKube.Api.Contracts;

/// <summary>
/// The answer to one spec of a batch, at its <see cref="Index"/>: <see cref="Status"/> 201 with the
/// stored <see cref="Run"/>, or the status and <see cref="Problem"/> a single POST /runs would have answered.
/// </summary>
public sealed record BatchItemResult(int Index, int Status, WorkloadView? Run, ProblemDetails? Problem);
