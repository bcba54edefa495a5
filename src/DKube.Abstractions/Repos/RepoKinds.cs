namespace DKube.Abstractions.Repos;

/// <summary>The read-model kinds and id prefixes of repositories and images.</summary>
public static class RepoKinds
{
    public const string Code = "code";
    public const string Dataset = "dataset";
    public const string FeatureSet = "featureset";
    public const string Model = "model";
    public const string Image = "image";

    public static string Of(RepoKind kind) => kind switch
    {
        RepoKind.Code => Code,
        RepoKind.Dataset => Dataset,
        RepoKind.FeatureSet => FeatureSet,
        RepoKind.Model => Model,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The data repository kind a run's input or output names (<c>dataset</c>, <c>featureset</c>, <c>model</c>), or null.</summary>
    public static RepoKind? ParseData(string kind) => kind switch
    {
        Dataset => RepoKind.Dataset,
        FeatureSet => RepoKind.FeatureSet,
        Model => RepoKind.Model,
        _ => null,
    };

    /// <summary>Id prefixes, so an id says what it names (<c>ds-3f2a9c01b7de</c>).</summary>
    public static string PrefixOf(RepoKind kind) => kind switch
    {
        RepoKind.Code => "cr",
        RepoKind.Dataset => "ds",
        RepoKind.FeatureSet => "fs",
        RepoKind.Model => "md",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
