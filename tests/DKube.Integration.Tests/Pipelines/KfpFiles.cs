namespace DKube.Integration.Tests.Pipelines;

/// <summary>The compiled KFP pipelines of the public KFP repository (tests/DKube.Pipelines.Tests/Corpus/kfp).</summary>
public static class KfpFiles
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Corpus", "kfp");

    public static IEnumerable<string> Names() =>
        Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string Read(string name) => File.ReadAllText(Path.Combine(Folder, name));
}
