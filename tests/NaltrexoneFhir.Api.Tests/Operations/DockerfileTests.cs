using System.Text.RegularExpressions;
using System.Xml.Linq;
using NaltrexoneFhir.Api.Tests.Support;

namespace NaltrexoneFhir.Api.Tests.Operations;

/// <summary>
/// The Dockerfile cannot be built here (no Docker engine), so what can be checked statically is: its restore layer
/// copies the project file of every project the API references (directly or not), and it publishes ReadyToRun.
/// A project added to the API without a COPY line would break <c>docker build</c> at restore.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void RestoreLayer_CopiesEveryProjectTheApiReferences()
    {
        var dockerfile = File.ReadAllText(RepoFiles.Path("src", "NaltrexoneFhir.Api", "Dockerfile"));
        var copied = CopyLine().Matches(dockerfile).Select(m => m.Groups["path"].Value).ToHashSet(StringComparer.Ordinal);

        var needed = ProjectClosure(RepoFiles.Path("src", "NaltrexoneFhir.Api", "NaltrexoneFhir.Api.csproj"))
            .Select(p => Path.GetRelativePath(RepoFiles.Root, p).Replace('\\', '/'))
            .ToList();

        Assert.True(needed.Count >= 6, $"expected the API and its referenced projects, found {needed.Count}");
        Assert.All(needed, p => Assert.Contains(p, copied));
    }

    [Fact]
    public void Publish_IsReadyToRun()
    {
        var dockerfile = File.ReadAllText(RepoFiles.Path("src", "NaltrexoneFhir.Api", "Dockerfile"));
        Assert.Contains("-p:PublishReadyToRun=true", dockerfile);
        Assert.Contains("--use-current-runtime", dockerfile);
    }

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var p))
        {
            if (!seen.Add(p)) continue;
            foreach (var reference in XDocument.Load(p).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(p)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        return seen;
    }

    [GeneratedRegex(@"^COPY\s+(?<path>src/\S+\.csproj)\s", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}
