using System.Text.Json.Nodes;

namespace DKube.Kubernetes.Tests.Fake;

/// <summary>The equality-based label selector syntax: <c>key</c>, <c>!key</c>, <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>, comma-joined.</summary>
internal static class LabelSelector
{
    public static bool Matches(string? selector, JsonObject obj)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return true;
        }

        var labels = obj["metadata"]?["labels"] as JsonObject;
        string? Label(string key) => labels?[key]?.GetValue<string>();
        foreach (var raw in selector.Split(','))
        {
            var term = raw.Trim();
            if (term.Contains("!=", StringComparison.Ordinal))
            {
                var parts = term.Split("!=", 2);
                if (Label(parts[0].Trim()) == parts[1].Trim())
                {
                    return false;
                }
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var parts = term.Split('=', 2);
                if (Label(parts[0].Trim()) != parts[1].TrimStart('=').Trim())
                {
                    return false;
                }
            }
            else if (term.StartsWith('!'))
            {
                if (Label(term[1..]) is not null)
                {
                    return false;
                }
            }
            else if (Label(term) is null)
            {
                return false;
            }
        }

        return true;
    }
}
