namespace DKube.Storage.Versions;

/// <summary>What a manifest entry is. Nothing else (devices, pipes) can be part of a version.</summary>
public enum EntryType
{
    File,
    Directory,
    Link,
}
