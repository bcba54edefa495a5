namespace DKube.Api.Problems;

/// <summary>Problem <c>type</c> identifiers: stable per kind of error, documented in the README.</summary>
public static class ProblemTypes
{
    public const string Prefix = "https://dkube.io/problems/";

    public static string For(string code) => Prefix + code;
}
