namespace DKube.Abstractions.Repos;

/// <summary>Archive formats accepted by uploads.</summary>
public enum ArchiveFormat
{
    Tar,
    Zip,
}
