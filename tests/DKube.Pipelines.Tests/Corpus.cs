namespace DKube.Pipelines.Tests;

/// <summary>The compiled KFP pipelines of the public KFP repository's SDK test data, as they are.</summary>
public static class Corpus
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Corpus", "kfp");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Names())
        {
            data.Add(file);
        }

        return data;
    }

    public static IEnumerable<string> Names() =>
        Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string Read(string file) => File.ReadAllText(Path.Combine(Folder, file));
}
