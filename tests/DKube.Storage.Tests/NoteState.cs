using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Storage.Tests;

/// <summary>A state with a face in the read model: a listing row and a name unique per owner; <see cref="Gpus"/> below 0 makes its group row invalid.</summary>
[GenerateSerializer]
[Alias("dkube.test.note")]
public sealed class NoteState : IProjectedState
{
    [Id(0)]
    public string? Name { get; set; }

    [Id(1)]
    public string Owner { get; set; } = "ann";

    [Id(2)]
    public int? Gpus { get; set; }

    /// <summary>A listing row without a name claim, and a queue entry in pool "q" (what a submission writes).</summary>
    [Id(3)]
    public string? Title { get; set; }

    public void ProjectWrite(string key, Projection projection)
    {
        if (Name is not null)
        {
            projection.ClaimName("note", Owner, Name, key)
                .Resource(new ResourceRow("note", key, Name, Owner, "g", null, null, DateTimeOffset.UnixEpoch, new { name = Name }));
        }

        if (Title is not null)
        {
            projection.Resource(new ResourceRow("titled", key, Title, Owner, "g", null, null, DateTimeOffset.UnixEpoch, new { title = Title }))
                .QueueEntry("q", new QueueEntryRow(key, Title.Length, [1, 2, 3]));
        }

        if (Gpus is { } gpus)
        {
            projection.Group("g-" + key, gpus, [], [], DateTimeOffset.UnixEpoch);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (Name is not null)
        {
            projection.RemoveResource("note", key).ReleaseName("note", Owner, Name, key);
        }
    }
}
