using System.Text.Json.Serialization;
using DKube.Abstractions.Leaderboards;
using DKube.Abstractions.Live;

namespace DKube.Abstractions.Workloads;

/// <summary>
/// A run or IDE as the API shows it. <see cref="Endpoint"/>: where the server of an IDE (or other work
/// that serves HTTP) is reached from the gateway while it runs, <c>http://host:port</c>; null otherwise.
/// </summary>
[GenerateSerializer]
// Never changed once made (the grain makes a new view with `with`, its collections are read-only):
// a call within the silo (GET /runs/{id} from the co-hosted API, a parent's watch) hands over the
// grain's own instance instead of a deep copy of the view and its spec on every read.
[Immutable]
[Alias("dkube.workload")]
public sealed record WorkloadView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] WorkloadType Type,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Owner,
    [property: Id(5)] string Group,
    [property: Id(6)] string? Project,
    [property: Id(7)] WorkloadStatus Status,
    [property: Id(8)] string? Reason,
    [property: Id(9)] int? ExitCode,
    [property: Id(10)] Allocation? Allocation,
    [property: Id(11)] int? QueuePosition,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset? StartedAt,
    [property: Id(14)] DateTimeOffset? EndedAt,
    [property: Id(15)] WorkloadSpec Spec,
    [property: Id(16)] string? ClonedFrom,
    [property: Id(17)] string? Template,
    [property: Id(18)] int Attempt,
    [property: Id(19)] IReadOnlyList<Repos.VersionId>? InputVersions = null,
    [property: Id(20)] int? OutputVersion = null,
    [property: Id(21)] WorkloadParent? Parent = null,
    // Id 30 leaves room for fields other branches add meanwhile (never renumber an Id).
    [property: Id(30)] string? Endpoint = null)
{
    /// <summary>
    /// The workload is its owner's alone (and operators'): its group's members must not see it, its
    /// id or its owner anywhere (a leaderboard's evaluation run: its code, data and log are hidden
    /// from the members who are scored). The one rule of who may see a workload: the listing, the
    /// point reads, the live feed and the pool views all take it from here.
    /// </summary>
    [JsonIgnore]
    public bool OwnerOnly => Parent?.Kind == LeaderboardRuns.ParentKind;

    /// <summary>Who may see the workload: its owner and its group's members, or its owner only (<see cref="OwnerOnly"/>).</summary>
    [JsonIgnore]
    public LiveScope Audience => LiveScope.Of(Owner, OwnerOnly ? "" : Group);
}
