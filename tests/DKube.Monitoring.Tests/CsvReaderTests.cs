using System.Text;

namespace DKube.Monitoring.Tests;

public sealed class CsvReaderTests
{
    private static CsvReader Open(string text) => CsvReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Reads_quoted_fields_escaped_quotes_crlf_and_skips_blank_lines()
    {
        using var csv = Open("a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\r\n\r\n2,,z\n");
        Assert.Equal(["a", "b", "c"], csv.Header);
        Assert.True(csv.TryReadRow(out var row));
        Assert.Equal(["1", "x, \"y\"", "two\nlines"], row);
        Assert.True(csv.TryReadRow(out row));
        Assert.Equal(["2", "", "z"], row);
        Assert.False(csv.TryReadRow(out _));
        Assert.Equal(2, csv.Rows);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a,,c\n1,2,3\n", "empty column name")]
    [InlineData("a,b,a\n1,2,3\n", "twice")]
    [InlineData("a,b\n1,2\n3\n", "1 fields where the header has 2")]
    [InlineData("a,b\n1,\"2\n", "never closed")]
    [InlineData("a,b\n1,\"2\"x\n", "after the closing quote")]
    [InlineData("{\"a\": 1}\n", "quote inside an unquoted field")]
    [InlineData("a,b\n1,\u00002\n", "NUL")]
    public void Refuses_what_is_not_csv_with_a_clear_error(string text, string expected)
    {
        var error = Assert.Throws<CsvFormatException>(() =>
        {
            using var csv = Open(text);
            while (csv.TryReadRow(out _))
            {
            }
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_binary_bytes_that_are_not_utf8()
    {
        var bytes = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0xFF, 0xFE, 0x80, 0x81, 0x0A };
        var error = Assert.Throws<CsvFormatException>(() => CsvReader.Open(new MemoryStream(bytes)));
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_line_of_a_ragged_row()
    {
        using var csv = Open("a,b\n1,2\n3,4\n5\n");
        csv.TryReadRow(out _);
        csv.TryReadRow(out _);
        var error = Assert.Throws<CsvFormatException>(() => csv.TryReadRow(out _));
        Assert.Equal(4, error.Line);
    }
}
