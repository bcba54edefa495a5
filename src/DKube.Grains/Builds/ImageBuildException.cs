namespace DKube.Grains.Builds;

/// <summary>A build step failed; the message is what the build's <c>reason</c> shows (no secrets: buildah never sees them on its command line).</summary>
public sealed class ImageBuildException(string message) : Exception(message);
