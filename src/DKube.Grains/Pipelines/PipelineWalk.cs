using System.Text.Json.Nodes;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Pipelines;
using DKube.Abstractions.Repos;
using DKube.Abstractions.Workloads;
using DKube.Pipelines;

namespace DKube.Grains.Pipelines;

/// <summary>
/// The decisions of a pipeline run's walk, pure (no I/O): from the pipeline and the task records
/// so far, the records that follow. A task whose upstream tasks have ended is decided: skipped
/// (an upstream failed and it is no exit task, or its condition is false), started (a container
/// becomes a Pending record with its derived run id and cache key; a DAG, condition, exit handler
/// or ParallelFor becomes a Running scope whose own tasks are walked), or done (an importer).
/// A scope ends when its tasks have; the grain creates the runs and records their ends.
/// </summary>
public sealed class PipelineWalk(PipelineSpec spec, PipelineRunView run, DateTimeOffset now)
{
    private const string UpstreamFailed = "an upstream task failed";

    private readonly Dictionary<string, PipelineTaskView> _tasks = run.Tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
    private readonly List<string> _order = [.. run.Tasks.Select(t => t.Name)];
    private bool _changed;

    /// <summary>One pass over every scope; the same list instance when nothing changed.</summary>
    public IReadOnlyList<PipelineTaskView> Step()
    {
        var root = new Scope(null, spec.Root, run.Parameters.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal),
            new Dictionary<string, PipelineArtifactView>());
        Walk(root);
        return _changed ? [.. _order.Select(n => _tasks[n])] : run.Tasks;
    }

    /// <summary>The run's end once every task of the root DAG has ended: Failed if any task failed anywhere, else Succeeded.</summary>
    public static (PipelineRunStatus Status, string? Reason)? Outcome(IReadOnlyList<PipelineTaskView> tasks)
    {
        var roots = tasks.Where(t => t.Parent is null).ToList();
        if (roots.Any(t => !t.Status.IsFinal()) || tasks.Any(t => t.Kind == PipelineTaskView.Container && t.Created && !t.Status.IsFinal()))
        {
            return null;
        }

        var failed = tasks.FirstOrDefault(t => t.Status == PipelineRunStatus.Failed && t.Kind is PipelineTaskView.Container or PipelineTaskView.Importer)
            ?? tasks.FirstOrDefault(t => t.Status == PipelineRunStatus.Failed);
        return failed is null
            ? (PipelineRunStatus.Succeeded, null)
            : (PipelineRunStatus.Failed, $"task {failed.Name} failed: {failed.Reason}");
    }

    /// <summary>
    /// The run's parameters as text: the given ones (each must be declared), then the defaults;
    /// 422 naming every parameter that is unknown or missing.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RunParameters(PipelineSpec spec, IReadOnlyDictionary<string, string> given)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (!spec.Root.InputParameters.ContainsKey(name))
            {
                errors[$"parameters.{name}"] = [$"is not a parameter of pipeline '{spec.Name}' ({string.Join(", ", spec.Root.InputParameters.Keys.Order(StringComparer.Ordinal))})"];
            }

            values[name] = value;
        }

        foreach (var (name, definition) in spec.Root.InputParameters)
        {
            if (values.ContainsKey(name))
            {
                continue;
            }

            if (definition.DefaultValue is { } fallback)
            {
                values[name] = Placeholders.AsText(fallback);
            }
            else if (!definition.IsOptional)
            {
                errors[$"parameters.{name}"] = [$"is required ({definition.Type}, no default)"];
            }
        }

        if (spec.Root.InputArtifacts.Count > 0)
        {
            errors["parameters"] = [$"the pipeline takes input artifacts ({string.Join(", ", spec.Root.InputArtifacts.Keys)}), which runs here cannot be given"];
        }

        return errors.Count == 0
            ? values
            : throw new DomainException(ErrorKind.Unprocessable, "invalid-parameters", "The parameters do not fit the pipeline.", errors);
    }

    /// <summary>
    /// The records of a retry: failed and canceled container tasks get a new attempt (a new run),
    /// failed or canceled scopes run again, and what was skipped because of a failure is decided anew.
    /// </summary>
    public static IReadOnlyList<PipelineTaskView> ForRetry(IReadOnlyList<PipelineTaskView> tasks, string pipelineRun) =>
        tasks.Where(t => !(t.Status == PipelineRunStatus.Skipped && t.Reason == UpstreamFailed)
                && !(t.Status == PipelineRunStatus.Canceled && !t.Created && t.Kind == PipelineTaskView.Container && t.Run is null))
            .Select(t => (t.Status, t.Kind) switch
            {
                (PipelineRunStatus.Failed or PipelineRunStatus.Canceled, PipelineTaskView.Container or PipelineTaskView.DeploymentKind) => t with
                {
                    Status = PipelineRunStatus.Pending,
                    Attempt = t.Attempt + 1,
                    Run = t.Kind == PipelineTaskView.Container ? PipelineTasks.RunId(pipelineRun, t.Name, t.Attempt + 1) : null,
                    Deployment = t.Kind == PipelineTaskView.DeploymentKind ? PipelineTasks.DeploymentId(pipelineRun, t.Name, t.Attempt + 1) : null,
                    Created = false,
                    Reason = null,
                    EndedAt = null,
                },
                (PipelineRunStatus.Failed or PipelineRunStatus.Canceled, PipelineTaskView.Dag or PipelineTaskView.Loop) => t with
                {
                    Status = PipelineRunStatus.Running,
                    Reason = null,
                    EndedAt = null,
                },
                _ => t,
            })
            .ToList();

    /// <summary>The task spec at a record's path (<c>a/b[0]/c</c>), or null.</summary>
    public static TaskSpec? TaskOf(PipelineSpec spec, string path)
    {
        var dag = spec.Root.Dag;
        TaskSpec? task = null;
        foreach (var segment in path.Split('/'))
        {
            var name = segment.IndexOf('[', StringComparison.Ordinal) is var bracket and > 0 ? segment[..bracket] : segment;
            if (dag is null || !dag.Tasks.TryGetValue(name, out task))
            {
                return null;
            }

            dag = spec.Component(task).Dag;
        }

        return task;
    }

    public static ComponentSpec ComponentOf(PipelineSpec spec, string path) =>
        spec.Component(TaskOf(spec, path) ?? throw new InvalidOperationException($"No task at '{path}'."));

    /// <summary>An output artifact of an execution: a file of its output folder.</summary>
    public static PipelineArtifactView Artifact(string execution, string name, string schemaTitle)
    {
        var file = PipelineTasks.ArtifactFile(name);
        return new PipelineArtifactView($"dkube://executions/{execution}/{file}", schemaTitle, execution, file);
    }

    /// <summary>
    /// The child run of a container task: its command (placeholders resolved; its own folders as
    /// the run's variables), its upstream artifacts linked read-only, an output folder whose files
    /// the grain reads back. It asks for no GPU (KFP's accelerator requests are not read).
    /// </summary>
    public WorkloadSpec RunSpecOf(PipelineTaskView task)
    {
        var component = ComponentOf(spec, task.Name);
        var container = spec.Executor(component)?.Container ?? throw new InvalidOperationException($"Task '{task.Name}' is not a container.");
        var input = ExecutorInputOf(component, task, ExecutionIds(task));
        var argv = Placeholders.Resolve(container.Command.Concat(container.Args), input);
        var command = TaskLaunch.ShellCommand(argv);
        if (container.Env.Count > 0)
        {
            command = string.Concat(container.Env.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => $"export {e.Key}='{Placeholders.Resolve(e.Value, input).Replace("'", "'\\''", StringComparison.Ordinal)}'; ")) + command;
        }

        var inputs = task.InputArtifacts
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => a.Value.Version is { } version
                // Kept as a dataset or model version: materialized from the version store (on any cluster).
                ? new VersionRef(RepoKinds.Of(version.Kind), version.RepoId, version.Version, PipelineTasks.InputMount(a.Key), version.RepoId)
                : new VersionRef(PipelineTasks.ArtifactInputKind, $"{a.Value.Execution}/{a.Value.File}", null, PipelineTasks.InputMount(a.Key)))
            .ToList();
        return new WorkloadSpec($"{run.Name}-{task.DisplayName}", PipelineTasks.RunKind, run.Group, run.Project, null, container.Image, command, inputs,
            new OutputRef(PipelineTasks.RunKind, "outputs"), new Dictionary<string, string>(), 0, false, null, run.Cluster, [], TimeSpan.FromMinutes(10),
            new Dictionary<string, string>());
    }

    /// <summary>
    /// What a DKube step asks for (<see cref="DkubeSteps"/>): its launcher's flags with the task's
    /// inputs and the component's defaults in them. Throws <see cref="FormatException"/> or
    /// <see cref="PipelineSpecException"/> when they do not read.
    /// </summary>
    public DkubeStep DkubeStepOf(PipelineTaskView task)
    {
        var component = ComponentOf(spec, task.Name);
        var container = spec.Executor(component)?.Container ?? throw new InvalidOperationException($"Task '{task.Name}' is not a container.");
        var input = ExecutorInputOf(component, task, ExecutionIds(task));
        return DkubeSteps.Read(container, input with { Parameters = DkubeSteps.WithDefaults(component, input.Parameters) });
    }

    private static string ExecutionIds(PipelineTaskView task) => Execution.ExecutionIds.For(task.Run ?? task.Deployment!, 1);

    private ExecutorInput ExecutorInputOf(ComponentSpec component, PipelineTaskView task, string execution)
    {
        var parameters = Typed(component, task.Inputs);
        var inputArtifacts = task.InputArtifacts.ToDictionary(
            a => a.Key,
            a => new ArtifactLocation(a.Key, a.Value.SchemaTitle,
                $"{TaskLaunch.WorkDir}/{PipelineTasks.InputMount(a.Key)}{(a.Value.Entry is { } entry ? "/" + entry : "")}", a.Value.Uri),
            StringComparer.Ordinal);
        var outputParameters = component.OutputParameters.Keys.ToDictionary(
            n => n, n => $"{TaskLaunch.OutputDir}/{PipelineTasks.ParameterFile(n)}", StringComparer.Ordinal);
        var outputArtifacts = component.OutputArtifacts.ToDictionary(
            a => a.Key,
            a => new ArtifactLocation(a.Key, a.Value.SchemaTitle, $"{TaskLaunch.OutputDir}/{PipelineTasks.ArtifactFile(a.Key)}", Artifact(execution, a.Key, a.Value.SchemaTitle).Uri),
            StringComparer.Ordinal);
        return new ExecutorInput(parameters, inputArtifacts, outputParameters, outputArtifacts, $"{TaskLaunch.OutputDir}/{PipelineTasks.ExecutorOutputFile}");
    }

    private static Dictionary<string, JsonNode?> Typed(ComponentSpec component, IReadOnlyDictionary<string, string?> values) =>
        values.ToDictionary(
            v => v.Key,
            v => TaskLaunch.Typed(component.InputParameters.TryGetValue(v.Key, out var definition) ? definition.Type : null, v.Value),
            StringComparer.Ordinal);

    private void Walk(Scope scope)
    {
        foreach (var task in scope.Component.Dag!.Tasks.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var path = PipelineGraph.PathOf(scope.Prefix, task.Name);
            if (_tasks.TryGetValue(path, out var record))
            {
                if (record.Status == PipelineRunStatus.Running && record.Kind is PipelineTaskView.Dag or PipelineTaskView.Loop)
                {
                    WalkInner(task, record);
                }

                continue;
            }

            Decide(scope, task, path);
        }
    }

    /// <summary>The tasks of a running DAG (each iteration's, for a loop); when all have ended, the DAG ends with their outcome and outputs.</summary>
    private void WalkInner(TaskSpec task, PipelineTaskView record)
    {
        var component = spec.Component(task);
        var scopes = record.Kind == PipelineTaskView.Loop
            ? record.Items!.Select((item, i) => new Scope($"{record.Name}[{i}]", component,
                new Dictionary<string, string?>(record.Inputs, StringComparer.Ordinal) { [task.Iterator!.ItemInput] = item }, record.InputArtifacts)).ToList()
            : [new Scope(record.Name, component, record.Inputs, record.InputArtifacts)];
        foreach (var scope in scopes)
        {
            Walk(scope);
        }

        var inner = scopes.SelectMany(s => component.Dag!.Tasks.Keys.Select(n => PipelineGraph.PathOf(s.Prefix, n))).ToList();
        if (inner.Any(p => !_tasks.TryGetValue(p, out var t) || !t.Status.IsFinal()))
        {
            return;
        }

        var failed = inner.Select(p => _tasks[p]).FirstOrDefault(t => t.Status is PipelineRunStatus.Failed or PipelineRunStatus.Canceled);
        if (failed is not null)
        {
            Put(record with { Status = PipelineRunStatus.Failed, Reason = $"task {failed.Name} {failed.Status.ToString().ToLowerInvariant()}", EndedAt = now });
            return;
        }

        // A DAG's outputs are its tasks' (a loop's are not collected: KFP's fan-in is not supported).
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var artifacts = new Dictionary<string, PipelineArtifactView>(StringComparer.Ordinal);
        if (record.Kind == PipelineTaskView.Dag)
        {
            foreach (var (key, output) in component.Dag!.OutputParameters)
            {
                if (_tasks.GetValueOrDefault(PipelineGraph.PathOf(record.Name, output.ProducerSubtask))?.Outputs?.TryGetValue(output.OutputKey, out var value) == true)
                {
                    outputs[key] = value;
                }
            }

            foreach (var (key, output) in component.Dag!.OutputArtifacts)
            {
                if (_tasks.GetValueOrDefault(PipelineGraph.PathOf(record.Name, output.ProducerSubtask))?.Artifacts?.TryGetValue(output.OutputKey, out var value) == true)
                {
                    artifacts[key] = value;
                }
            }
        }

        Put(record with { Status = PipelineRunStatus.Succeeded, Outputs = outputs, Artifacts = artifacts, EndedAt = now });
    }

    private void Decide(Scope scope, TaskSpec task, string path)
    {
        var upstream = new List<PipelineTaskView>();
        foreach (var dependency in task.DependentTasks)
        {
            if (!_tasks.TryGetValue(PipelineGraph.PathOf(scope.Prefix, dependency), out var done) || !done.Status.IsFinal())
            {
                return; // not ready
            }

            upstream.Add(done);
        }

        var component = spec.Component(task);
        var executor = spec.Executor(component);
        var step = component.Dag is null && executor?.Container is { } launcher ? DkubeSteps.KindOf(launcher) : null;
        var kind = component.Dag is not null
            ? task.Iterator is not null ? PipelineTaskView.Loop : PipelineTaskView.Dag
            : executor?.Importer is not null ? PipelineTaskView.Importer
            : step == DkubeStepKind.Serving ? PipelineTaskView.DeploymentKind : PipelineTaskView.Container;
        var record = new PipelineTaskView(path, task.DisplayName, kind, scope.Prefix, PipelineRunStatus.Pending, null, 1, false, null,
            new Dictionary<string, string?>(), new Dictionary<string, PipelineArtifactView>(), null, null, null, null, null, now, null,
            Step: step is { } known ? DkubeSteps.NameOf(known) : null);
        if (upstream.Any(u => u.Status is PipelineRunStatus.Failed or PipelineRunStatus.Canceled) && !task.RunsAfterFailures)
        {
            Put(record with { Status = PipelineRunStatus.Skipped, Reason = UpstreamFailed, EndedAt = now });
            return;
        }

        Dictionary<string, string?> parameters;
        Dictionary<string, PipelineArtifactView> artifacts;
        try
        {
            (parameters, artifacts) = Inputs(scope, task, component);
        }
        catch (InputUnavailableException e)
        {
            Put(record with { Status = PipelineRunStatus.Skipped, Reason = e.Message, EndedAt = now });
            return;
        }
        catch (Exception e) when (e is FormatException or PipelineSpecException or System.Text.Json.JsonException)
        {
            Put(record with { Status = PipelineRunStatus.Failed, Reason = $"its inputs could not be resolved: {e.Message}", EndedAt = now });
            return;
        }

        record = record with { Inputs = parameters, InputArtifacts = artifacts };
        if (task.Condition is { } condition)
        {
            bool holds;
            try
            {
                holds = ConditionExpression.TryParse(condition, out var error) is { } expression
                    ? expression.Evaluate(Typed(component, parameters))
                    : throw new FormatException(error);
            }
            catch (FormatException e)
            {
                Put(record with { Status = PipelineRunStatus.Failed, Reason = $"its condition could not be evaluated: {e.Message}", EndedAt = now });
                return;
            }

            if (!holds)
            {
                Put(record with { Status = PipelineRunStatus.Skipped, Reason = $"its condition is false: {condition}", EndedAt = now });
                return;
            }
        }

        switch (kind)
        {
            case PipelineTaskView.Loop:
                IReadOnlyList<string> items;
                try
                {
                    items = TaskLaunch.Items(task.Iterator!, task.Iterator!.InputParameter is { } from ? parameters.GetValueOrDefault(from) : null);
                }
                catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
                {
                    Put(record with { Status = PipelineRunStatus.Failed, Reason = e.Message, EndedAt = now });
                    return;
                }

                Put(record with { Status = PipelineRunStatus.Running, Items = items });
                WalkInner(task, _tasks[path]);
                return;
            case PipelineTaskView.Dag:
                Put(record with { Status = PipelineRunStatus.Running });
                WalkInner(task, _tasks[path]);
                return;
            case PipelineTaskView.Importer:
                var importer = executor!.Importer!;
                var uri = importer.RuntimeParameter is { } parameter ? parameters.GetValueOrDefault(parameter) : Placeholders.AsText(importer.ConstantUri);
                var outputs = component.OutputArtifacts.ToDictionary(
                    a => a.Key, a => new PipelineArtifactView(uri ?? "", importer.SchemaTitle, null, null), StringComparer.Ordinal);
                Put(record with { Status = PipelineRunStatus.Succeeded, Artifacts = outputs, Outputs = new Dictionary<string, string>(), EndedAt = now });
                return;
            case PipelineTaskView.DeploymentKind:
                Put(record with { Deployment = PipelineTasks.DeploymentId(run.Id, path, 1) });
                return;
            case PipelineTaskView.Container when step == DkubeStepKind.Storage:
                // DKube's storage op exports versions as Kubernetes volumes for plain containers of
                // DKube's Argo workflows; here tasks reach versions through artifacts: nothing to do.
                Put(record with
                {
                    Status = PipelineRunStatus.Succeeded,
                    Outputs = component.OutputParameters.Keys.ToDictionary(k => k, _ => "[]", StringComparer.Ordinal),
                    EndedAt = now,
                });
                return;
            default:
                // DKube's steps are never cached: in DKube their args carry the workflow's uid, so KFP never reused one.
                var cacheKey = step is null && task.EnableCache && executor?.Container is { } container
                    ? CacheKey.Of(container, Typed(component, parameters), artifacts.ToDictionary(a => a.Key, a => a.Value.Uri, StringComparer.Ordinal))
                    : null;
                Put(record with { Run = PipelineTasks.RunId(run.Id, path, 1), CacheKey = cacheKey });
                return;
        }
    }

    /// <summary>The task's input parameters (as text) and artifacts, from its scope's inputs, constants and upstream outputs.</summary>
    private (Dictionary<string, string?>, Dictionary<string, PipelineArtifactView>) Inputs(Scope scope, TaskSpec task, ComponentSpec component)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, source) in task.Parameters)
        {
            string? value = source.Kind switch
            {
                ParameterSourceKind.ComponentInput => scope.Parameters.TryGetValue(source.Key!, out var given)
                    ? given
                    : scope.Component.InputParameters.GetValueOrDefault(source.Key!)?.DefaultValue is { } fallback ? Placeholders.AsText(fallback) : null,
                ParameterSourceKind.TaskOutput => Producer(scope, source.ProducerTask!).Outputs?.TryGetValue(source.Key!, out var output) == true
                    ? output
                    : throw new InputUnavailableException($"its input '{name}' comes from task {source.ProducerTask}, which has no output '{source.Key}'"),
                ParameterSourceKind.Constant => Placeholders.AsText(source.Constant),
                ParameterSourceKind.TaskFinalStatus => FinalStatus(scope, source.ProducerTask!),
                _ => null,
            };
            parameters[name] = TaskLaunch.Select(source.Selector, value);
        }

        // A constant may quote the task's other inputs ("heads and {{$.inputs.parameters['x']}} > 5!").
        var typed = Typed(component, parameters);
        foreach (var (name, source) in task.Parameters.Where(p => p.Value.Kind == ParameterSourceKind.Constant))
        {
            if (parameters[name] is { } text && text.Contains("{{$", StringComparison.Ordinal))
            {
                parameters[name] = Placeholders.ResolveParameters(text, typed);
            }
        }

        var artifacts = new Dictionary<string, PipelineArtifactView>(StringComparer.Ordinal);
        foreach (var (name, source) in task.Artifacts)
        {
            artifacts[name] = source.ProducerTask is null
                ? scope.Artifacts.TryGetValue(source.Key, out var given) ? given : throw new InputUnavailableException($"its input artifact '{name}' was not given")
                : Producer(scope, source.ProducerTask).Artifacts?.TryGetValue(source.Key, out var made) == true
                    ? made
                    : throw new InputUnavailableException($"its input artifact '{name}' comes from task {source.ProducerTask}, which has no artifact '{source.Key}'");
        }

        return (parameters, artifacts);
    }

    private PipelineTaskView Producer(Scope scope, string name) =>
        _tasks.TryGetValue(PipelineGraph.PathOf(scope.Prefix, name), out var producer) && producer.Status.HasOutputs()
            ? producer
            : throw new InputUnavailableException($"its input comes from task {name}, which did not succeed");

    /// <summary>KFP's TASK_FINAL_STATUS struct for an exit task.</summary>
    private string FinalStatus(Scope scope, string name)
    {
        var producer = _tasks.GetValueOrDefault(PipelineGraph.PathOf(scope.Prefix, name));
        var state = producer?.Status switch
        {
            PipelineRunStatus.Succeeded or PipelineRunStatus.Cached or PipelineRunStatus.Skipped => "SUCCEEDED",
            PipelineRunStatus.Canceled => "CANCELLED",
            _ => "FAILED",
        };
        var status = new JsonObject
        {
            ["state"] = state,
            ["pipelineJobResourceName"] = run.Id,
            ["pipelineTaskName"] = name,
            ["error"] = new JsonObject { ["message"] = state == "FAILED" ? producer?.Reason ?? "" : "" },
        };
        return status.ToJsonString();
    }

    private void Put(PipelineTaskView record)
    {
        if (!_tasks.ContainsKey(record.Name))
        {
            _order.Add(record.Name);
        }

        _tasks[record.Name] = record;
        _changed = true;
    }

    /// <summary>A DAG instance: its path prefix (null for the root), its component, its inputs.</summary>
    private sealed record Scope(
        string? Prefix,
        ComponentSpec Component,
        IReadOnlyDictionary<string, string?> Parameters,
        IReadOnlyDictionary<string, PipelineArtifactView> Artifacts);

    /// <summary>An input comes from a task that produced nothing (skipped by its condition): the task is skipped too.</summary>
    private sealed class InputUnavailableException(string message) : Exception(message);
}
