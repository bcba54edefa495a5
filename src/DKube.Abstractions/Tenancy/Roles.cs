namespace DKube.Abstractions.Tenancy;

/// <summary>The roles of API.md, as they appear on the wire.</summary>
public static class Roles
{
    public const string DataScientist = "data-scientist";
    public const string MlEngineer = "ml-engineer";
    public const string ProductionEngineer = "production-engineer";
    public const string Operator = "operator";

    public static IReadOnlySet<string> All { get; } =
        new HashSet<string>([DataScientist, MlEngineer, ProductionEngineer, Operator], StringComparer.Ordinal);
}
