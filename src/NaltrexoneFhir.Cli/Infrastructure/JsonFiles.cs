using System.Text.Json;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Cli.Infrastructure;

/// <summary>Reads JSON files and bodies with errors that name the file and position, never a stack trace.</summary>
public static class JsonFiles
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static JsonNode Read(string path)
    {
        if (Directory.Exists(path)) throw new CliException($"'{path}' is a folder; a JSON file was expected.");
        if (!File.Exists(path)) throw new CliException($"File not found: {path}");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read {path}: {ex.Message}");
        }
        return Parse(text, path);
    }

    public static JsonNode Parse(string text, string what)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: DocumentOptions)
                ?? throw new CliException($"{what} holds JSON null; a JSON object was expected.");
        }
        catch (JsonException ex)
        {
            throw new CliException($"{what} is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}).");
        }
    }

    public static JsonObject ReadObject(string path) =>
        Read(path) as JsonObject ?? throw new CliException($"{path} must hold a JSON object.");

    public static string Write(JsonNode node) => node.ToJsonString(Indented);
}
