using System.Globalization;
using System.Text;

namespace DKube.Monitoring.Tests;

public sealed class FeatureSchemaTests
{
    private static CsvReader Open(string text) => CsvReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static string Baseline(int rows, double incomeShift = 0)
    {
        var text = new StringBuilder("request_id,timestamp,age,plan,rooms,income,label,prediction\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"r{i},2026-01-01T00:00:{i % 60:00}Z,{20 + (i % 50)},{(i % 3 == 0 ? "gold" : "basic")},{i % 4},{1000.5 + (i * 3.25) + incomeShift},{i % 2},{(i + 1) % 2}\n");
        }

        return text.ToString();
    }

    [Fact]
    public void Infers_kinds_by_type_and_distinct_count_and_roles_by_name()
    {
        using var csv = Open(Baseline(100));
        var schema = FeatureSchema.Infer(csv);
        Assert.Equal(new FeatureColumn("request_id", FeatureKind.Categorical, ColumnRole.Id), schema.Column("request_id"));
        Assert.Equal(ColumnRole.Timestamp, schema.Column("timestamp").Role);
        Assert.Equal(new FeatureColumn("age", FeatureKind.Continuous, ColumnRole.Input), schema.Column("age"));
        Assert.Equal(new FeatureColumn("plan", FeatureKind.Categorical, ColumnRole.Input), schema.Column("plan"));
        // Numeric with 4 distinct values: categorical.
        Assert.Equal(FeatureKind.Categorical, schema.Column("rooms").Kind);
        Assert.Equal(FeatureKind.Continuous, schema.Column("income").Kind);
        Assert.Equal(ColumnRole.Label, schema.Column("label").Role);
        Assert.Equal(ColumnRole.Prediction, schema.Column("prediction").Role);
        Assert.Equal(["age", "plan", "rooms", "income", "prediction"], schema.Compared.Select(c => c.Name));
    }

    [Fact]
    public void Given_columns_take_the_roles_and_must_exist()
    {
        using var csv = Open(Baseline(20));
        var schema = FeatureSchema.Infer(csv, new SchemaHints(Label: "income", Prediction: "age"));
        Assert.Equal(ColumnRole.Label, schema.Column("income").Role);
        Assert.Equal(ColumnRole.Prediction, schema.Column("age").Role);
        Assert.Equal(ColumnRole.Input, schema.Column("label").Role);

        using var again = Open(Baseline(20));
        var error = Assert.Throws<SchemaException>(() => FeatureSchema.Infer(again, new SchemaHints(Id: "nope")));
        Assert.Contains("'nope' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Edits_change_kind_and_move_single_roles()
    {
        using var csv = Open(Baseline(20));
        var schema = FeatureSchema.Infer(csv).With("rooms", kind: FeatureKind.Continuous).With("income", role: ColumnRole.Label);
        Assert.Equal(FeatureKind.Continuous, schema.Column("rooms").Kind);
        Assert.Equal(ColumnRole.Label, schema.Column("income").Role);
        Assert.Equal(ColumnRole.Ignored, schema.Column("label").Role);
        Assert.Throws<SchemaException>(() => schema.With("missing", role: ColumnRole.Input));
    }

    [Fact]
    public void A_live_window_without_a_compared_column_is_refused()
    {
        using var csv = Open(Baseline(20));
        var schema = FeatureSchema.Infer(csv);
        using var live = Open("age,plan\n30,gold\n");
        var error = Assert.Throws<SchemaException>(() => ColumnTable.Read(live, schema));
        Assert.Contains("'rooms', 'income', 'prediction' do not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_over_a_schema_flags_the_shifted_feature_only()
    {
        using var baselineCsv = Open(Baseline(600));
        var schema = FeatureSchema.Infer(baselineCsv);
        using var baselineAgain = Open(Baseline(600));
        var baseline = ColumnTable.Read(baselineAgain, schema);
        // The same rows but income shifted by about a third of its spread.
        using var liveCsv = Open(Baseline(600, incomeShift: 500));
        var live = ColumnTable.Read(liveCsv, schema);
        var drift = DriftEvaluator.Evaluate(schema, baseline, live).ToDictionary(d => d.Feature);
        Assert.Equal(DriftMethod.KolmogorovSmirnov, drift["income"].Score.Method);
        Assert.True(drift["income"].Score.Drifted);
        Assert.Equal(DriftMethod.KolmogorovSmirnov, drift["age"].Score.Method);
        Assert.False(drift["age"].Score.Drifted);
        Assert.Equal(DriftMethod.ChiSquared, drift["plan"].Score.Method);
        Assert.False(drift["plan"].Score.Drifted);
        Assert.Equal(ColumnRole.Prediction, drift["prediction"].Role);
    }

    [Fact]
    public void One_pass_of_BaselineColumns_infers_the_schema_and_gives_the_columns_of_any_edit_as_a_second_read_would()
    {
        // Gaps, a text in a numeric-looking column and NaN: every case where the readers could disagree.
        var text = Baseline(300) + "r300,,,,x,NaN,1,\n";
        var hints = new SchemaHints(Label: "label");
        var inferred = FeatureSchema.Infer(Open(text), hints);
        var columns = BaselineColumns.Read(Open(text));

        Assert.Equal(inferred, columns.Infer(hints), new SchemaComparer());
        foreach (var schema in new[]
        {
            inferred,
            inferred.With("rooms", kind: FeatureKind.Continuous).With("income", kind: FeatureKind.Categorical).With("request_id", role: ColumnRole.Input),
        })
        {
            var expected = ColumnTable.Read(Open(text), schema);
            var actual = columns.Table(schema);
            Assert.Equal(expected.Rows, actual.Rows);
            foreach (var column in schema.Compared)
            {
                Assert.Equal(expected[column.Name].SortedNumbers, actual[column.Name].SortedNumbers);
                Assert.Equal(expected[column.Name].Labels, actual[column.Name].Labels);
                Assert.Equal(expected[column.Name].Missing, actual[column.Name].Missing);
            }
        }
    }

    private sealed class SchemaComparer : IEqualityComparer<FeatureSchema>
    {
        public bool Equals(FeatureSchema? x, FeatureSchema? y) => x!.Columns.SequenceEqual(y!.Columns);

        public int GetHashCode(FeatureSchema obj) => obj.Columns.Count;
    }
}
