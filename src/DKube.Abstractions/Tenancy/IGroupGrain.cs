namespace DKube.Abstractions.Tenancy;

/// <summary>A group, keyed by name: its GPU pool size, the clusters it draws on and its members.</summary>
[Alias("dkube.IGroupGrain")]
public interface IGroupGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<GroupView> Create(int gpus, IReadOnlyList<string> clusters);

    [Alias("Resize")]
    Task<GroupView> Resize(int gpus);

    [Alias("AddMember")]
    Task<GroupView> AddMember(string user);

    [Alias("RemoveMember")]
    Task<GroupView> RemoveMember(string user);

    [Alias("Get")]
    Task<GroupView?> Get();
}
