using System.Globalization;
using System.Text;

namespace DKube.Testing;

/// <summary>
/// The monitors' test data: two inputs, x0 uniform on [0, 1) (shifted on request) and x1 standard
/// normal, with the rule of the tests' model (y = x0 &gt; 0.5) as prediction and label.
/// </summary>
public static class MonitorSamples
{
    /// <summary>A baseline CSV <c>x0,x1,prediction,label</c> of <paramref name="rows"/> rows.</summary>
    public static string BaselineCsv(Random random, int rows)
    {
        var csv = new StringBuilder("x0,x1,prediction,label\n");
        for (var i = 0; i < rows; i++)
        {
            var (x0, x1) = Instance(random, 0);
            var y = x0 > 0.5 ? 1 : 0;
            csv.Append(CultureInfo.InvariantCulture, $"{x0},{x1},{y},{y}\n");
        }

        return csv.ToString();
    }

    /// <summary>One instance, x0 moved by <paramref name="shift"/>.</summary>
    public static (double X0, double X1) Instance(Random random, double shift) => (random.NextDouble() + shift, Normal(random));

    /// <summary>The V1 request body of one instance.</summary>
    public static string Body((double X0, double X1) instance) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"instances": [[{{instance.X0}}, {{instance.X1}}]]}""");

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
