using Microsoft.AspNetCore.Mvc.Testing;

namespace NaltrexoneFhir.Api.Tests.Support;

/// <summary>
/// Starts the API with settings it must refuse, and returns why: the exception its start threw.
/// <para>
/// WebApplicationFactory runs <c>Program</c> on a thread of its own and, when the test starts the host, asks the app's
/// services for its lifetime. If <c>Program</c>'s start has already failed by then, <c>Program</c> has disposed the host
/// and the factory throws <see cref="ObjectDisposedException"/> ("IServiceProvider") instead of the cause — a race in
/// Mvc.Testing's deferred host, seen in the full test run under load. The cause is what these tests check, so on that
/// exception a fresh factory with the same settings is started again (a few times) rather than letting the race stand
/// in for the answer. Shared by the API and persistence tests (linked).
/// </para>
/// </summary>
public static class StartupFailure
{
    private const int Attempts = 5;

    public static Exception Of<TFactory>(Func<TFactory> create) where TFactory : WebApplicationFactory<Program>
    {
        for (var attempt = 1; ; attempt++)
        {
            using var factory = create();
            var ex = Record.Exception(() => factory.CreateClient());
            Assert.True(ex is not null, "The API started; it was expected to refuse these settings.");
            if (ex is not ObjectDisposedException { ObjectName: "IServiceProvider" } || attempt == Attempts) return ex;
        }
    }
}
