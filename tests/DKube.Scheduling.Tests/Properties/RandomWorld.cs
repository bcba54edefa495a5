namespace DKube.Scheduling.Tests.Properties;

/// <summary>Random clusters and requests for property runs; every shape the scheduler distinguishes shows up.</summary>
internal sealed class RandomWorld
{
    public const int MaxPoolSize = 12;
    private static readonly string[] LabelPool = ["gpu", "production"];
    private readonly Random random;
    private int nextId;

    public RandomWorld(Random random)
    {
        this.random = random;
        var clusters = new Dictionary<string, IReadOnlyList<NodeSpec>>();
        for (var c = 0; c < random.Next(1, 4); c++)
        {
            var nodes = new List<NodeSpec>();
            for (var n = 0; n < random.Next(1, 5); n++)
            {
                nodes.Add(new NodeSpec($"c{c}n{n}", random.Next(0, 9), 16, 64, RandomLabels()));
            }

            clusters.Add($"c{c}", nodes);
        }

        Clusters = clusters;
    }

    /// <summary>The full capacity view of every cluster; node specs never change per name, nodes only leave and return.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<NodeSpec>> Clusters { get; }

    public NodeSpec NodeSpec(string node) => Clusters.Values.SelectMany(n => n).Single(n => n.Name == node);

    public GroupPool NewPool(QueuePolicy policy) =>
        new(
            random.Next(1, MaxPoolSize + 1),
            policy,
            TimeSpan.FromMinutes(random.Next(0, 60)),
            Clusters.Select(c => new ClusterInventory(c.Key, c.Value)));

    public GpuRequest NextRequest()
    {
        var workers = random.Next(4) == 0 ? random.Next(1, 3) : 0;
        var gpus = random.Next(10) == 0 ? 0 : random.Next(1, 5);
        string? cluster = random.Next(5) switch
        {
            0 => $"c{random.Next(Clusters.Count + 1)}", // occasionally one the group does not have
            _ => null,
        };
        return new GpuRequest(
            $"r{nextId++}",
            "owner",
            gpus,
            workers,
            random.Next(2) == 0 ? DistributionMode.Manual : DistributionMode.Auto,
            random.Next(4) == 0 ? RandomLabels() : [],
            random.Next(10) == 0,
            TimeSpan.FromMinutes(random.Next(5, 180)),
            cluster);
    }

    private string[] RandomLabels() => LabelPool.Where(_ => random.Next(2) == 0).ToArray();
}
