using System.Collections.Concurrent;

namespace DKube.Api.Endpoints;

/// <summary>
/// The look-ups the specs of one batch share: each distinct template, cloned run, project, set of
/// references (code, inputs, output) and group's candidate nodes is asked once for the batch, not
/// once per spec (a study's thousand trials name the same ones). Its answer, a failure too, is the
/// answer of every spec that asks the same: a missing template is the same 404 for each of them.
/// Lives for one request, of one caller (what a caller may see is part of every answer).
/// </summary>
public sealed class BatchLookups
{
    private readonly ConcurrentDictionary<(string Kind, string Key), Lazy<Task>> _answers = new();

    /// <summary>The answer of <paramref name="load"/> for (<paramref name="kind"/>, <paramref name="key"/>), loaded by the first to ask.</summary>
    public Task<T> Once<T>(string kind, string key, Func<Task<T>> load) =>
        (Task<T>)_answers.GetOrAdd((kind, key), _ => new Lazy<Task>(load)).Value;

    /// <summary><see cref="Once{T}"/> when there is a batch, else <paramref name="load"/> itself (a single submission).</summary>
    public static Task<T> Shared<T>(BatchLookups? shared, string kind, string key, Func<Task<T>> load) =>
        shared is null ? load() : shared.Once(kind, key, load);
}
