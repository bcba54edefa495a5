namespace DKube.Monitoring;

/// <summary>What a column of the baseline is to the monitor.</summary>
public enum ColumnRole
{
    /// <summary>A model input: its drift is data drift.</summary>
    Input,

    /// <summary>The model's output: its drift is concept drift; joined to labels for performance.</summary>
    Prediction,

    /// <summary>The ground truth.</summary>
    Label,

    /// <summary>The request id that joins predictions to ground truth; never compared.</summary>
    Id,

    /// <summary>When the row happened; never compared.</summary>
    Timestamp,

    /// <summary>Kept out of every computation.</summary>
    Ignored,
}
