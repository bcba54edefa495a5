using System.Text;
using DKube.Abstractions.Clusters;
using DKube.Storage.Secrets;

namespace DKube.Grains.Clusters;

/// <summary>
/// A cluster's credentials (a Slurm JWT, a kubeconfig) are sealed at rest like git credentials
/// (AES-GCM under the server's secrets key): the stored spec keeps every other setting in the
/// clear and these only in <see cref="ClusterState.SealedSettings"/>; they are unsealed in the
/// cluster grain's memory, for its agent alone.
/// </summary>
public static class ClusterSecrets
{
    /// <summary>The settings that are credentials (the API's field names).</summary>
    public static readonly IReadOnlyList<string> Keys = ["token", "kubeconfig"];

    /// <summary>Whether a stored spec still holds a credential in the clear (stored before sealing).</summary>
    public static bool HasPlain(ClusterSpec spec) => Keys.Any(spec.Settings.ContainsKey);

    /// <summary>Moves the credentials of <paramref name="spec"/> into <paramref name="sealedSettings"/>; returns the spec to store.</summary>
    public static ClusterSpec Seal(ClusterSpec spec, Dictionary<string, byte[]> sealedSettings, ISecretProtector protector)
    {
        var plain = new Dictionary<string, string>(spec.Settings, StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (plain.Remove(key, out var value))
                sealedSettings[key] = protector.Seal(Encoding.UTF8.GetBytes(value));
        }

        return spec with { Settings = plain };
    }

    /// <summary>The stored spec with its credentials back, for the agent that talks to the cluster.</summary>
    public static ClusterSpec Unseal(ClusterSpec stored, IReadOnlyDictionary<string, byte[]> sealedSettings, ISecretProtector protector)
    {
        if (sealedSettings.Count == 0)
            return stored;
        var settings = new Dictionary<string, string>(stored.Settings, StringComparer.Ordinal);
        foreach (var (key, sealedValue) in sealedSettings)
            settings[key] = Encoding.UTF8.GetString(protector.Unseal(sealedValue));
        return stored with { Settings = settings };
    }
}
