using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Repos;
using DKube.Monitoring;
using DKube.Storage.Versions;

namespace DKube.Grains.Monitors;

/// <summary>
/// Reads a monitor's baseline: the CSV file of a dataset version from the version store, its
/// schema inferred (<see cref="FeatureSchema.Infer(CsvReader, SchemaHints?)"/>) with the monitor's
/// edits, and its compared columns in memory. What cannot be a baseline is a 422 whose <c>type</c>
/// says why: <c>baseline-not-csv</c> (no CSV file, several without <c>file</c>, or content that is
/// not CSV) and <c>unknown-column</c> (a column named that the CSV does not have).
/// The CSV is read once (<see cref="BaselineColumns"/>: schema and columns from one pass) and what
/// it gives is kept in a silo-wide cache by content and edits (<see cref="BaselineCache"/>), so a
/// monitor that reactivates, or another monitor of the same baseline, reads no CSV at all.
/// </summary>
public sealed class BaselineReader(IBlobStore blobs, IGrainFactory grains, BaselineCache cache)
{
    public async Task<(FeatureSchema Schema, ColumnTable Table)> ReadAsync(MonitorBaseline baseline, IReadOnlyList<MonitorFeature> features, CancellationToken cancellationToken)
    {
        var hash = await CsvHashAsync(baseline, cancellationToken);
        var key = BaselineCache.KeyOf(hash, baseline, features);
        if (cache.TryGet(key) is { } cached)
        {
            return cached;
        }

        var read = await ReadCsvAsync(hash, baseline, features, cancellationToken);
        cache.Add(key, read);
        return read;
    }

    private async Task<(FeatureSchema Schema, ColumnTable Table)> ReadCsvAsync(string hash, MonitorBaseline baseline, IReadOnlyList<MonitorFeature> features, CancellationToken cancellationToken)
    {
        FeatureSchema schema;
        BaselineColumns columns;
        try
        {
            using (var csv = CsvReader.Open(await blobs.OpenReadAsync(hash, cancellationToken)))
            {
                foreach (var named in new[] { baseline.LabelColumn, baseline.PredictionColumn }.OfType<string>().Where(n => csv.IndexOf(n) < 0))
                {
                    throw DomainException.Unprocessable("unknown-column", $"The column '{named}' does not exist in the baseline (columns: {string.Join(", ", csv.Header)}).");
                }

                columns = BaselineColumns.Read(csv);
            }

            try
            {
                schema = columns.Infer(new SchemaHints(Label: baseline.LabelColumn, Prediction: baseline.PredictionColumn));
            }
            catch (SchemaException e)
            {
                // The named columns exist: what is left is a header without rows, no data to compare with.
                throw DomainException.Unprocessable("baseline-not-csv", $"The baseline {Describe(baseline)} holds no data: {e.Message}");
            }

            foreach (var feature in features)
            {
                var kind = feature.Kind switch
                {
                    "categorical" => FeatureKind.Categorical,
                    "continuous" => FeatureKind.Continuous,
                    _ => (FeatureKind?)null,
                };
                var current = schema.Column(feature.Name);
                var role = feature.Use switch
                {
                    false => ColumnRole.Ignored,
                    true when current.Role is ColumnRole.Ignored or ColumnRole.Id or ColumnRole.Timestamp => ColumnRole.Input,
                    _ => (ColumnRole?)null,
                };
                schema = schema.With(feature.Name, kind, role);
            }

            if (!schema.Compared.Any())
            {
                throw DomainException.Unprocessable("unknown-column", "The baseline has no input or prediction column left to monitor.");
            }

            return (schema, columns.Table(schema));
        }
        catch (CsvFormatException e)
        {
            throw DomainException.Unprocessable("baseline-not-csv", $"The baseline {Describe(baseline)} is not CSV: {e.Message}");
        }
        catch (SchemaException e)
        {
            throw DomainException.Unprocessable("unknown-column", e.Message);
        }
    }

    /// <summary>The content hash of the version's CSV file: the one named, else its only <c>.csv</c> file.</summary>
    private async Task<string> CsvHashAsync(MonitorBaseline baseline, CancellationToken cancellationToken)
    {
        var version = await grains.GetGrain<IDataRepoGrain>(baseline.Dataset).GetVersion(baseline.Version)
            ?? throw DomainException.NotFound($"Version {baseline.Version} of dataset", baseline.DatasetName);
        var files = (await VersionManifest.LoadAsync(blobs, version.Digest, cancellationToken)).Entries
            .Where(e => e.Type == EntryType.File && e.Hash is not null).ToList();
        if (baseline.File is { } named)
        {
            return files.FirstOrDefault(f => f.Path == named.TrimStart('/'))?.Hash
                ?? throw DomainException.Unprocessable("baseline-not-csv", $"The baseline {Describe(baseline)} has no file '{named}' (files: {List(files.Select(f => f.Path))}).");
        }

        var csvs = files.Where(f => f.Path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).ToList();
        return csvs.Count switch
        {
            1 => csvs[0].Hash!,
            0 => throw DomainException.Unprocessable("baseline-not-csv", $"The baseline {Describe(baseline)} holds no .csv file (files: {List(files.Select(f => f.Path))})."),
            _ => throw DomainException.Unprocessable("baseline-not-csv", $"The baseline {Describe(baseline)} holds several .csv files ({List(csvs.Select(f => f.Path))}); name one with baseline.file."),
        };
    }

    private static string Describe(MonitorBaseline baseline) => $"(dataset '{baseline.DatasetName}' version {baseline.Version})";

    private static string List(IEnumerable<string> paths)
    {
        var list = paths.Take(10).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
