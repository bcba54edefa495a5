using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos;

/// <summary>Builds tar and zip bodies (well-formed or hostile) and sends them as uploads over real HTTP.</summary>
public static class Archives
{
    public static byte[] Tar(params (string Name, string Content)[] files) => TarOf(writer =>
    {
        foreach (var (name, content) in files)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        }
    });

    public static byte[] TarOf(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(writer);
        }

        return buffer.ToArray();
    }

    public static byte[] Zip(params (string Name, string Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    public static async Task<Reply> Upload(this ApiClient client, string path, byte[] body, string contentType = "application/x-tar")
    {
        using var http = NewHttp(client);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        // As a well-behaved uploader does: ask first, so a refusal (413) arrives before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, path.StartsWith('/') ? path : "/api/v1/" + path) { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Downloads a version archive and returns its files by path.</summary>
    public static async Task<Dictionary<string, string>> DownloadFiles(this ApiClient client, string path)
    {
        using var http = NewHttp(client);
        using var response = await http.GetAsync("/api/v1/" + path);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/x-tar", response.Content.Headers.ContentType?.MediaType);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = new TarReader(await response.Content.ReadAsStreamAsync());
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == TarEntryType.RegularFile)
            {
                using var text = new StreamReader(entry.DataStream!);
                files[entry.Name] = text.ReadToEnd();
            }
        }

        return files;
    }

    private static HttpClient NewHttp(ApiClient client)
    {
        var http = new HttpClient { BaseAddress = client.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        return http;
    }
}
