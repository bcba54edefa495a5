namespace DKube.Pipelines;

/// <summary>Where a task's input parameter value comes from.</summary>
public enum ParameterSourceKind
{
    /// <summary>An input parameter of the enclosing DAG component (<c>componentInputParameter</c>).</summary>
    ComponentInput,

    /// <summary>An output parameter of an upstream task (<c>taskOutputParameter</c>).</summary>
    TaskOutput,

    /// <summary>A constant (<c>runtimeValue.constant</c>).</summary>
    Constant,

    /// <summary>The final status of an upstream task (<c>taskFinalStatus</c>), for exit handlers.</summary>
    TaskFinalStatus,
}
