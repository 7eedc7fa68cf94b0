namespace NaltrexoneFhir.Api.Tests.Support;

/// <summary>Files of the repository the tests check (docs, README, Dockerfile), found from the test output folder.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "NaltrexoneFhir.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NaltrexoneFhir.sln not found above the test output folder.");
    }
}
