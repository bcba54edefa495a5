namespace DKube.Server;

/// <summary>What one process of the executable does.</summary>
public enum ServerRole
{
    /// <summary>A silo with the API co-hosted: the embedded default.</summary>
    All,

    /// <summary>A silo only (health and metrics are still served).</summary>
    Silo,

    /// <summary>The API only, as an Orleans client of the silo cluster: scales the front out.</summary>
    Api,
}
