namespace DKube.Tuning;

/// <summary>
/// A Gaussian process with a squared-exponential kernel (unit signal variance, small noise) fit
/// by Cholesky factorization: a study's few hundred points at most, so plain arrays suffice.
/// </summary>
internal sealed class GaussianProcess
{
    private const double Noise = 1e-4;

    private readonly double[][] x;
    private readonly double[,] chol;
    private readonly double[] alpha;
    private readonly double lengthScale;

    private GaussianProcess(double[][] x, double[,] chol, double[] alpha, double lengthScale, double logLikelihood)
    {
        this.x = x;
        this.chol = chol;
        this.alpha = alpha;
        this.lengthScale = lengthScale;
        LogLikelihood = logLikelihood;
    }

    public double LogLikelihood { get; }

    /// <summary>The fitted process, or null when the kernel matrix is not positive definite at this length scale.</summary>
    public static GaussianProcess? Fit(double[][] x, double[] y, double lengthScale)
    {
        var n = x.Length;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = Kernel(x[i], x[j], lengthScale) + (i == j ? Noise : 0);
                for (var k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    if (sum <= 0)
                    {
                        return null;
                    }

                    l[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i, j] = sum / l[j, j];
                }
            }
        }

        var alpha = SolveUpper(l, SolveLower(l, y));
        var logLikelihood = -0.5 * y.Select((v, i) => v * alpha[i]).Sum();
        for (var i = 0; i < n; i++)
        {
            logLikelihood -= Math.Log(l[i, i]);
        }

        return new GaussianProcess(x, l, alpha, lengthScale, logLikelihood);
    }

    public (double Mean, double Variance) Predict(double[] point)
    {
        var k = x.Select(xi => Kernel(xi, point, lengthScale)).ToArray();
        var mean = k.Select((v, i) => v * alpha[i]).Sum();
        var v = SolveLower(chol, k);
        return (mean, 1 + Noise - v.Sum(e => e * e));
    }

    private static double Kernel(double[] a, double[] b, double lengthScale)
    {
        var d2 = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            d2 += (a[i] - b[i]) * (a[i] - b[i]);
        }

        return Math.Exp(-d2 / (2 * lengthScale * lengthScale));
    }

    private static double[] SolveLower(double[,] l, double[] b)
    {
        var n = b.Length;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[i, k] * result[k];
            }

            result[i] = sum / l[i, i];
        }

        return result;
    }

    private static double[] SolveUpper(double[,] l, double[] b)
    {
        var n = b.Length;
        var result = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = b[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= l[k, i] * result[k];
            }

            result[i] = sum / l[i, i];
        }

        return result;
    }
}
