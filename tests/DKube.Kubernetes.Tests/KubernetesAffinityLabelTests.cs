using DKube.Executors.Kubernetes;

namespace DKube.Kubernetes.Tests;

/// <summary>
/// A node's labels as placement matches affinity against them agree with the node selector a pod
/// gets: a bare affinity name (a production deployment's <c>production</c>) is <c>name: "true"</c> there,
/// so a node labelled so carries the bare name too, and a request is not refused as unplaceable
/// where its pod could run.
/// </summary>
public sealed class KubernetesAffinityLabelTests
{
    [Fact]
    public void A_label_valued_true_also_matches_its_bare_name_and_every_label_matches_as_key_equals_value()
    {
        var node = new KubernetesNode("k1", 16, 65536, 4, true, new Dictionary<string, string>
        {
            ["production"] = "true", ["gpu-type"] = "a100", ["spot"] = "false",
        });

        Assert.Equal(["gpu-type=a100", "production=true", "production", "spot=false"], node.AffinityLabels());
        // What the pod's node selector makes of the same affinity names.
        Assert.Equal("true", KubernetesManifests.NodeSelector(["production"])!["production"]);
        Assert.Equal("a100", KubernetesManifests.NodeSelector(["gpu-type=a100"])!["gpu-type"]);
    }
}
