namespace DKube.Pipelines;

/// <summary>
/// The checks a compiled pipeline must pass before it is accepted: every reference resolves
/// (components, executors, inputs, output keys), every DAG is acyclic, and a task reads outputs
/// only from tasks upstream of it (so the value exists when it starts).
/// </summary>
public static class PipelineValidator
{
    public static IReadOnlyList<PipelineProblem> Validate(PipelineSpec spec)
    {
        var problems = new List<PipelineProblem>();
        foreach (var component in spec.Components.Values)
        {
            var path = $"components.{component.Name}";
            if (component.ExecutorLabel is { } label && component.Dag is null && !spec.Executors.ContainsKey(label))
            {
                problems.Add(new PipelineProblem($"{path}.executorLabel", $"names executor '{label}', which deploymentSpec.executors does not define"));
            }

            if (component.Dag is { } dag)
            {
                ValidateDag(spec, component, dag, $"{path}.dag", problems);
            }
        }

        if (spec.Root.Dag is { } rootDag)
        {
            ValidateDag(spec, spec.Root, rootDag, "root.dag", problems);
        }

        ValidateNesting(spec, problems);
        return problems;
    }

    private static void ValidateDag(PipelineSpec spec, ComponentSpec owner, DagSpec dag, string path, List<PipelineProblem> problems)
    {
        foreach (var task in dag.Tasks.Values)
        {
            var taskPath = $"{path}.tasks.{task.Name}";
            spec.Components.TryGetValue(task.ComponentRef, out var component);
            if (component is null && task.ComponentRef.Length > 0)
            {
                problems.Add(new PipelineProblem($"{taskPath}.componentRef.name", $"names component '{task.ComponentRef}', which is missing from components"));
            }

            foreach (var dependency in task.DependentTasks.Where(d => !dag.Tasks.ContainsKey(d)))
            {
                problems.Add(new PipelineProblem($"{taskPath}.dependentTasks", $"names task '{dependency}', which is not in the same DAG"));
            }

            var upstream = Upstream(dag, task.Name);
            foreach (var (input, source) in task.Parameters)
            {
                var inputPath = $"{taskPath}.inputs.parameters.{input}";
                switch (source.Kind)
                {
                    case ParameterSourceKind.ComponentInput when !owner.InputParameters.ContainsKey(source.Key!):
                        problems.Add(new PipelineProblem(inputPath, $"reads input parameter '{source.Key}', which the enclosing component '{owner.Name}' does not declare"));
                        break;
                    case ParameterSourceKind.TaskOutput or ParameterSourceKind.TaskFinalStatus:
                        CheckProducer(spec, dag, upstream, source.ProducerTask!, inputPath, problems);
                        if (source.Kind == ParameterSourceKind.TaskOutput
                            && dag.Tasks.TryGetValue(source.ProducerTask!, out var producer)
                            && spec.Components.TryGetValue(producer.ComponentRef, out var producerComponent)
                            && !producerComponent.OutputParameters.ContainsKey(source.Key!))
                        {
                            problems.Add(new PipelineProblem(inputPath, $"reads output parameter '{source.Key}' of task '{producer.Name}', whose component does not declare it"));
                        }

                        break;
                }

                // A task may carry parameters its component does not declare: the KFP compiler passes
                // pipeline channels that only placeholders inside constants read.
            }

            foreach (var (input, source) in task.Artifacts)
            {
                var inputPath = $"{taskPath}.inputs.artifacts.{input}";
                if (source.ProducerTask is null)
                {
                    if (!owner.InputArtifacts.ContainsKey(source.Key))
                    {
                        problems.Add(new PipelineProblem(inputPath, $"reads input artifact '{source.Key}', which the enclosing component '{owner.Name}' does not declare"));
                    }
                }
                else
                {
                    CheckProducer(spec, dag, upstream, source.ProducerTask, inputPath, problems);
                    if (dag.Tasks.TryGetValue(source.ProducerTask, out var producer)
                        && spec.Components.TryGetValue(producer.ComponentRef, out var producerComponent)
                        && !producerComponent.OutputArtifacts.ContainsKey(source.Key))
                    {
                        problems.Add(new PipelineProblem(inputPath, $"reads output artifact '{source.Key}' of task '{producer.Name}', whose component does not declare it"));
                    }
                }

                if (component is not null && !component.InputArtifacts.ContainsKey(input))
                {
                    problems.Add(new PipelineProblem(inputPath, $"is not an input artifact of component '{component.Name}'"));
                }
            }

            if (component is not null)
            {
                var loopItem = task.Iterator?.ItemInput;
                foreach (var (name, definition) in component.InputParameters)
                {
                    if (!definition.HasDefault && name != loopItem && !task.Parameters.ContainsKey(name))
                    {
                        problems.Add(new PipelineProblem($"{taskPath}.inputs.parameters", $"gives no value for '{name}', which component '{component.Name}' requires"));
                    }
                }
            }

            if (task.Iterator is { InputParameter: { } items } && !task.Parameters.ContainsKey(items))
            {
                problems.Add(new PipelineProblem($"{taskPath}.parameterIterator.items.inputParameter", $"names '{items}', which is not an input of the task"));
            }

            if (task.Condition is { } condition && ConditionExpression.TryParse(condition, out var error) is null)
            {
                problems.Add(new PipelineProblem($"{taskPath}.triggerPolicy.condition", error!));
            }
        }

        foreach (var (key, output) in dag.OutputParameters.Concat(dag.OutputArtifacts))
        {
            if (!dag.Tasks.ContainsKey(output.ProducerSubtask))
            {
                problems.Add(new PipelineProblem($"{path}.outputs.{key}", $"names task '{output.ProducerSubtask}', which is not in the DAG"));
            }
        }

        if (FindCycle(dag) is { } cycle)
        {
            problems.Add(new PipelineProblem($"{path}.tasks", $"has a cycle: {string.Join(" -> ", cycle)}"));
        }
    }

    private static void CheckProducer(PipelineSpec spec, DagSpec dag, HashSet<string> upstream, string producer, string inputPath, List<PipelineProblem> problems)
    {
        _ = spec;
        if (!dag.Tasks.ContainsKey(producer))
        {
            problems.Add(new PipelineProblem(inputPath, $"reads from task '{producer}', which is not in the same DAG"));
        }
        else if (!upstream.Contains(producer))
        {
            problems.Add(new PipelineProblem(inputPath, $"reads from task '{producer}', which is not upstream of it (add it to dependentTasks)"));
        }
    }

    /// <summary>The tasks a task waits for, directly or through others (its dependentTasks, closed).</summary>
    internal static HashSet<string> Upstream(DagSpec dag, string taskName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(taskName);
        while (pending.Count > 0)
        {
            if (!dag.Tasks.TryGetValue(pending.Pop(), out var task))
            {
                continue;
            }

            foreach (var dependency in task.DependentTasks.Where(seen.Add))
            {
                pending.Push(dependency);
            }
        }

        seen.Remove(taskName);
        return seen;
    }

    /// <summary>A cycle through dependentTasks and data edges, as the task names along it, or null.</summary>
    internal static IReadOnlyList<string>? FindCycle(DagSpec dag)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var name in dag.Tasks.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(name) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string name)
        {
            if (state.TryGetValue(name, out var mark))
            {
                if (mark == 1)
                {
                    var start = stack.IndexOf(name);
                    return [.. stack.Skip(start), name];
                }

                return null;
            }

            state[name] = 1;
            stack.Add(name);
            var task = dag.Tasks[name];
            foreach (var next in task.DependentTasks.Concat(task.Producers).Distinct(StringComparer.Ordinal).Where(dag.Tasks.ContainsKey).Order(StringComparer.Ordinal))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[name] = 2;
            return null;
        }
    }

    // A DAG component that (through its tasks) contains itself would unfold forever.
    private static void ValidateNesting(PipelineSpec spec, List<PipelineProblem> problems)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in spec.Components.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(name, [name]) is { } cycle)
            {
                problems.Add(new PipelineProblem($"components.{cycle[0]}", $"contains itself: {string.Join(" -> ", cycle)}"));
                return;
            }
        }

        List<string>? Visit(string name, List<string> trail)
        {
            if (state.TryGetValue(name, out var mark))
            {
                return mark == 1 ? trail : null;
            }

            state[name] = 1;
            if (spec.Components.TryGetValue(name, out var component) && component.Dag is { } dag)
            {
                foreach (var child in dag.Tasks.Values.Select(t => t.ComponentRef).Distinct(StringComparer.Ordinal))
                {
                    if (Visit(child, [.. trail, child]) is { } cycle)
                    {
                        return cycle;
                    }
                }
            }

            state[name] = 2;
            return null;
        }
    }
}
