namespace DKube.Tuning;

/// <summary>The parameters as a unit hypercube: what the model-based algorithms work on.</summary>
public sealed class SearchSpace(IReadOnlyList<ParameterSpec> parameters)
{
    public IReadOnlyList<ParameterSpec> Parameters { get; } = parameters;

    public int Dimensions => Parameters.Count;

    public double[] Encode(IReadOnlyDictionary<string, string> values) =>
        Parameters.Select(p => values.TryGetValue(p.Name, out var v) ? p.Encode(v) : 0.5).ToArray();

    public IReadOnlyDictionary<string, string> Decode(IReadOnlyList<double> point) =>
        Parameters.Select((p, i) => (p.Name, Value: p.Decode(point[i]))).ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal);

    public double[] Uniform(Random random) => Parameters.Select(_ => random.NextDouble()).ToArray();
}
