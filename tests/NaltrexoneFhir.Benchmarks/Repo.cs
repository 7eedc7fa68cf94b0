namespace NaltrexoneFhir.Benchmarks;

/// <summary>Paths in the repository, found from the running benchmark (works from any current directory).</summary>
public static class Repo
{
#if DEBUG
    public static readonly string Configuration = "Debug";
#else
    public static readonly string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string BenchmarkDir => Path.Combine(Root, "tests", "NaltrexoneFhir.Benchmarks");

    /// <summary>BenchmarkDotNet's artifacts and the HTTP report (ignored by git).</summary>
    public static string ArtifactsDir => Path.Combine(BenchmarkDir, "BenchmarkDotNet.Artifacts");

    /// <summary>The API as the HTTP benchmark runs it: published ReadyToRun by <see cref="Http.ApiPublish"/>.</summary>
    public static string ApiDll => Http.ApiPublish.Dll;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NaltrexoneFhir.sln"))) return dir.FullName;
        throw new InvalidOperationException("NaltrexoneFhir.sln not found above " + AppContext.BaseDirectory);
    }
}
