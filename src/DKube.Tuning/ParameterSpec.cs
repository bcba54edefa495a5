using System.Globalization;

namespace DKube.Tuning;

/// <summary>
/// One dimension of the search space. Algorithms work on the unit interval: <see cref="Decode"/>
/// maps a coordinate in [0, 1] to a value (as the text a trial's command receives), so every
/// algorithm handles every parameter type the same way.
/// </summary>
public sealed record ParameterSpec(string Name, ParameterType Type, double Min, double Max, double? Step, IReadOnlyList<string> List)
{
    /// <summary>How many distinct values there are (null: a continuous range).</summary>
    public int? Count => Type switch
    {
        ParameterType.Categorical or ParameterType.Discrete => List.Count,
        ParameterType.Int => (int)Math.Floor((Max - Min) / (Step ?? 1)) + 1,
        _ when Step is { } step => (int)Math.Floor(((Max - Min) / step) + 1e-9) + 1,
        _ => null,
    };

    /// <summary>The value at coordinate <paramref name="u"/> in [0, 1].</summary>
    public string Decode(double u)
    {
        u = Math.Clamp(u, 0, 1);
        if (Count is { } count)
        {
            return ValueAt(Math.Min(count - 1, (int)Math.Floor(u * count)));
        }

        return Format(Min + (u * (Max - Min)));
    }

    /// <summary>The coordinate of <paramref name="value"/>: the middle of its cell for counted values.</summary>
    public double Encode(string value)
    {
        if (Count is { } count)
        {
            var index = Type is ParameterType.Categorical or ParameterType.Discrete
                ? List.ToList().IndexOf(value)
                : (int)Math.Round((double.Parse(value, CultureInfo.InvariantCulture) - Min) / (Step ?? 1));
            return (Math.Clamp(index, 0, count - 1) + 0.5) / count;
        }

        return Max > Min ? Math.Clamp((double.Parse(value, CultureInfo.InvariantCulture) - Min) / (Max - Min), 0, 1) : 0.5;
    }

    /// <summary>The <paramref name="index"/>-th of the counted values (grid order).</summary>
    public string ValueAt(int index) => Type switch
    {
        ParameterType.Categorical or ParameterType.Discrete => List[index],
        ParameterType.Int => ((long)Math.Round(Min + (index * (Step ?? 1)))).ToString(CultureInfo.InvariantCulture),
        _ => Format(Min + (index * Step!.Value)),
    };

    /// <summary>A double as the shortest text that reads back the same (rounded to 12 digits so 0.1 + 0.2 stays 0.3).</summary>
    public static string Format(double value) => Math.Round(value, 12).ToString("R", CultureInfo.InvariantCulture);
}
