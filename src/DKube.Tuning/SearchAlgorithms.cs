namespace DKube.Tuning;

/// <summary>The algorithm a spec names, seeded.</summary>
public static class SearchAlgorithms
{
    public static ISearchAlgorithm Create(StudySpec spec, int seed)
    {
        var space = new SearchSpace(spec.Parameters);
        return spec.Algorithm.RunsAs switch
        {
            "random" => new RandomSearch(space, seed),
            "grid" => new GridSearch(space),
            "bayesianoptimization" => new BayesianOptimization(space, seed),
            "tpe" => new TreeParzen(space, seed),
            "hyperband" => new Hyperband(space, seed, spec.Algorithm.Settings),
            "sobol" => new SobolSearch(space, seed),
            var other => throw new ArgumentException($"No algorithm '{other}'.", nameof(spec)),
        };
    }
}
