using DKube.Executors.Kubernetes;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesManifestTests
{
    [Theory]
    [InlineData("alice@example.com", "alice-example.com")]
    [InlineData("-team_", "team")]
    [InlineData("Ünïcode user", "n-code-user")]
    public void User_and_group_names_become_valid_label_values(string name, string label) =>
        Assert.Equal(label, KubernetesLabels.Sanitise(name));

    [Fact]
    public void Label_values_are_cut_to_63_characters() =>
        Assert.Equal(63, KubernetesLabels.Sanitise(new string('a', 100)).Length);

    [Fact]
    public void A_node_label_without_a_name_is_refused() =>
        Assert.Throws<ArgumentException>(() => KubernetesManifests.NodeSelector(["=x"]));

    [Fact]
    public void Whole_cores_are_written_without_millis() =>
        Assert.Equal("4", KubernetesManifests.Limits(KubernetesHarness.Run("r-x-1") with { CpusPerWorker = 4 })!["cpu"].ToString());
}
