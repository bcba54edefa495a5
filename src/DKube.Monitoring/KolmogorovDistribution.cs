using MathNet.Numerics;

namespace DKube.Monitoring;

/// <summary>
/// The survival function of the one-sample two-sided Kolmogorov statistic D_n, as scipy's
/// kstwo.sf (Simard and L'Ecuyer's choice of method, scipy/stats/_ksstats.py) for n over 140:
/// Ruben-Gambino at the ends, twice Smirnov's one-sided tail for large n*x^2, else one minus the
/// CDF by the Durbin matrix (Marsaglia-Tsang-Wang) or the Pelz-Good expansion.
/// </summary>
internal static class KolmogorovDistribution
{
    private const int E128 = 128;
    private static readonly double Ep128 = Math.ScaleB(1.0, E128);
    private static readonly double Em128 = Math.ScaleB(1.0, -E128);
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private static readonly double PiSquared = Math.PI * Math.PI;
    private static readonly double PiFour = Math.Pow(Math.PI, 4);
    private static readonly double PiSix = Math.Pow(Math.PI, 6);
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    public static double Survival(int n, double x)
    {
        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        var t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5)
            {
                return 1.0;
            }

            double prob;
            if (n <= 140)
            {
                prob = 1.0;
                for (var i = 1; i <= n; i++)
                {
                    prob *= i * (1.0 / n) * ((2 * t) - 1);
                }
            }
            else
            {
                prob = Math.Exp(LogNFactorialDivNPowN(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Clip(1.0 - prob);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * Smirnov(n, x));
        }

        var nxSquared = t * x;
        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * Smirnov(n, x));
        }

        double cdf;
        if (nxSquared >= 18.0)
        {
            cdf = 1.0;
        }
        else if (n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4)
        {
            cdf = DurbinMatrix(n, x);
        }
        else
        {
            cdf = PelzGood(n, x);
        }

        return Clip(1.0 - cdf);
    }

    /// <summary>
    /// Smirnov's one-sided tail Pr(D+_n >= x), exactly, by the Birnbaum-Tingey sum evaluated in
    /// logarithms so that large n neither overflows nor underflows.
    /// </summary>
    public static double Smirnov(int n, double x)
    {
        if (x <= 0)
        {
            return 1.0;
        }

        if (x >= 1)
        {
            return 0.0;
        }

        var last = (int)Math.Floor(n * (1 - x));
        var logs = new double[last + 1];
        var max = double.NegativeInfinity;
        for (var j = 0; j <= last; j++)
        {
            var right = ((n - j) - (n * x)) / n;
            var left = x + ((double)j / n);
            var log = right <= 0 ? double.NegativeInfinity
                : SpecialFunctions.BinomialLn(n, j) + ((n - j) * Math.Log(right)) + ((j - 1) * Math.Log(left));
            logs[j] = log;
            max = Math.Max(max, log);
        }

        if (double.IsNegativeInfinity(max))
        {
            return 0.0;
        }

        var sum = 0.0;
        foreach (var log in logs)
        {
            sum += Math.Exp(log - max);
        }

        return Math.Exp(max + Math.Log(sum) + Math.Log(x));
    }

    private static double LogNFactorialDivNPowN(int n)
    {
        var rn = 1.0 / n;
        var poly = 0.0;
        foreach (var c in StirlingCoefficients)
        {
            poly = (poly * (rn / n)) + c;
        }

        return (Math.Log(n) / 2) - n + (Math.Log(2 * Math.PI) / 2) + (rn * poly);
    }

    // Durbin (1968) matrix, Marsaglia-Tsang-Wang (2003): Pr(D_n <= d) = n!/n^n * (H^n)[k-1,k-1].
    private static double DurbinMatrix(int n, double d)
    {
        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = (2 * k) - 1;
        var v = new double[m];
        var w = new double[m];
        var fac = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * fac;
        }

        var tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tt) * fac;
        var matrix = new double[m, m];
        for (var i = 1; i < m; i++)
        {
            for (var r = i - 1; r < m; r++)
            {
                matrix[r, i] = w[r - (i - 1)];
            }
        }

        for (var r = 0; r < m; r++)
        {
            matrix[r, 0] = v[r];
        }

        for (var c = 0; c < m; c++)
        {
            matrix[m - 1, c] = v[m - 1 - c];
        }

        var power = new double[m, m];
        for (var r = 0; r < m; r++)
        {
            power[r, r] = 1.0;
        }

        var nn = n;
        var exponent = 0;
        var matrixExponent = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                power = Multiply(power, matrix);
                exponent += matrixExponent;
            }

            matrix = Multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[k - 1, k - 1]) > Ep128)
            {
                Scale(matrix, 1.0 / Ep128);
                matrixExponent += E128;
            }

            nn /= 2;
        }

        var p = power[k - 1, k - 1];
        for (var i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < Em128)
            {
                p *= Ep128;
                exponent -= E128;
            }
        }

        return Clip(exponent != 0 ? Math.ScaleB(p, exponent) : p);
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }

    private static void Scale(double[,] a, double factor)
    {
        var m = a.GetLength(0);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                a[i, j] *= factor;
            }
        }
    }

    // Pelz-Good (1976) expansion of Pr(D_n <= x) for large n.
    private static double PelzGood(int n, double x)
    {
        var z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        var qlog = -PiSquared / 8 / z2;
        if (qlog < -708)
        {
            return 0.0;
        }

        var q = Math.Exp(qlog);
        var k1a = -z2;
        var k1b = PiSquared / 4;
        var k2a = (6 * z6) + (2 * z4);
        var k2b = ((2 * z4) - (5 * z2)) * PiSquared / 4;
        var k2c = PiFour * (1 - (2 * z2)) / 16;
        var k3d = PiSix * (5 - (30 * z2)) / 64;
        var k3c = PiFour * ((-60 * z2) + (212 * z4)) / 16;
        var k3b = PiSquared * ((135 * z4) - (96 * z6)) / 4;
        var k3a = (-30 * z6) - (90 * Math.Pow(z, 8));
        var terms = new double[4];
        var maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxk; k > 0; k--)
        {
            double m = (2 * k) - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            var qpower = Math.Pow(q, 8 * k);
            terms[0] = (terms[0] * qpower) + 1.0;
            terms[1] = (terms[1] * qpower) + k1a + (k1b * m2);
            terms[2] = (terms[2] * qpower) + k2a + (k2b * m2) + (k2c * m4);
            terms[3] = (terms[3] * qpower) + k3a + (k3b * m2) + (k3c * m4) + (k3d * m6);
        }

        double[] divisors = [z, 6 * z4, 72 * Math.Pow(z, 7), 6480 * Math.Pow(z, 10)];
        for (var i = 0; i < 4; i++)
        {
            terms[i] = terms[i] * q * Sqrt2Pi / divisors[i];
        }

        q = Math.Exp(-PiSquared / 2 / z2);
        var sqrt3z = Math.Sqrt(3) * z;
        double k2extra = 0, k3extra = 0;
        for (var k = maxk; k > 0; k--)
        {
            double ks = k * k;
            var qp = Math.Pow(q, ks);
            k2extra += ks * qp;
            var kspi = Math.PI * k;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks * qp;
        }

        terms[2] += k2extra * PiSquared * Sqrt2Pi / (-36 * z3);
        terms[3] += k3extra * PiSquared * Sqrt2Pi / (216 * z6);
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            sum += terms[i] / Math.Pow(n, i / 2.0);
        }

        return sum;
    }

    private static double Clip(double p) => Math.Clamp(p, 0.0, 1.0);
}
