using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MediatR;
using NaltrexoneFhir.Api.Hooks;
using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Persistence;

namespace NaltrexoneFhir.Api.Store;

/// <summary>
/// Outermost step of the hook pipeline: times the call and queues one audit record (service, hook, hookInstance,
/// caller, hashed patient id, status, latency, data origins, cards with concern, indicator and suggestion uuids).
/// Queuing never waits and never fails the hook call.
/// </summary>
public sealed class AuditBehavior(
    AuditQueue queue,
    HookDataCapture capture,
    PatientIdHasher hasher,
    ICallerIdentity caller,
    StoreClock clock,
    ILogger<AuditBehavior> logger) : IPipelineBehavior<EvaluateHook.Request, HookResult>
{
    public async Task<HookResult> Handle(EvaluateHook.Request request, CancellationToken cancellationToken, RequestHandlerDelegate<HookResult> next)
    {
        var receivedAt = clock.Time.GetUtcNow();
        var start = Stopwatch.GetTimestamp();
        HookResult? result = null;
        try
        {
            result = await next();
            return result;
        }
        finally
        {
            Enqueue(request, result, receivedAt, Stopwatch.GetElapsedTime(start));
        }
    }

    private void Enqueue(EvaluateHook.Request request, HookResult? result, DateTimeOffset receivedAt, TimeSpan latency)
    {
        try
        {
            var record = Build(request, result, receivedAt, latency);
            if (!queue.TryEnqueue(QueuedHookCall.Encode(record))) StoreLog.AuditDropped(logger, queue.Capacity, request.Service.Id);
        }
        catch (Exception ex)
        {
            StoreLog.AuditRecordFailed(logger, ex.GetType().Name);
        }
    }

    private HookCallRow Build(EvaluateHook.Request request, HookResult? result, DateTimeOffset receivedAt, TimeSpan latency)
    {
        var hook = request.Bound.Request;
        var (issuer, tenant) = caller.Current();
        var id = TimeOrderedUuid.New(receivedAt);
        var week = IsoWeek(receivedAt);
        var record = new HookCallRow
        {
            Id = id,
            ReceivedAt = receivedAt,
            IsoWeek = week,
            ServiceId = request.Service.Id,
            Hook = request.Service.Hook,
            HookInstance = hook?.HookInstance is { } hi ? Clip(hi, 128) : null,   // no control characters: the parser refuses them
            Issuer = Storable(issuer),
            Tenant = Storable(tenant),
            PatientHash = hook?.PatientId is { } patientId ? hasher.Hash(patientId) : null,
            StatusCode = result switch
            {
                HookResult.Ok => StatusCodes.Status200OK,
                HookResult.Invalid => StatusCodes.Status400BadRequest,
                HookResult.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
                _ => StatusCodes.Status500InternalServerError,
            },
            LatencyMs = latency.TotalMilliseconds,
        };
        foreach (var (key, (origin, state)) in capture.Values ?? new Dictionary<string, (string, string)>())
        {
            record.Data.Add(new HookCallData(key, origin, state));
        }
        if (result is HookResult.Ok ok)
            foreach (var card in ok.Response.Cards.Where(c => c.Uuid is not null))
            {
                var suggestions = (card.Suggestions ?? []).Where(s => s.Uuid is not null).ToList();
                record.Cards.Add(new IssuedCardRow
                {
                    CardUuid = card.Uuid!,
                    HookCallId = id,
                    ServiceId = request.Service.Id,
                    Concern = card.Source.Topic?.Code ?? "unspecified",
                    Indicator = card.Indicator,
                    IssuedAt = receivedAt,
                    IsoWeek = week,
                    SuggestionCount = suggestions.Count,
                    Suggestions = suggestions.Select(s => new IssuedSuggestionRow { SuggestionUuid = s.Uuid!, CardUuid = card.Uuid!, Kind = SuggestionKind(s) }).ToList(),
                });
            }
        return record;
    }

    public static string IsoWeek(DateTimeOffset at)
    {
        var d = at.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(d):D4}-W{ISOWeek.GetWeekOfYear(d):D2}");
    }

    /// <summary>
    /// A PHI-free description of what a suggestion does, for analytics: each action's type, resource type and code
    /// (from our own orderable-items catalogue), e.g. "create ServiceRequest 24325-3" or "delete MedicationRequest".
    /// Labels are not used: they can echo free text from the EHR.
    /// </summary>
    public static string SuggestionKind(Suggestion suggestion)
    {
        var parts = (suggestion.Actions ?? []).Select(a =>
        {
            string? type = null, code = null;
            // The rules' own orders are models: read them there (asking for Resource would turn each into JSON).
            if (a.ResourceModel is ServiceRequest sr) (type, code) = (sr.TypeName, FirstCode(sr.Code));
            else if (a.ResourceModel is MedicationRequest mr) (type, code) = (mr.TypeName, FirstCode(mr.MedicationCodeableConcept));
            else if (a.Resource is { ValueKind: JsonValueKind.Object } r)
            {
                type = r.TryGetProperty("resourceType", out var rt) && rt.ValueKind == JsonValueKind.String ? rt.GetString() : null;
                code = FirstCode(r, "code") ?? FirstCode(r, "medicationCodeableConcept");
            }
            type ??= a.ResourceId?.Split('/')[0];
            return string.Join(' ', new[] { a.Type, type, code }.Where(p => !string.IsNullOrEmpty(p)));
        }).ToList();
        return parts.Count == 0 ? "no-action" : Clip(string.Join(" + ", parts), 200);
    }

    private static string? FirstCode(CodeableConcept? concept) => concept?.Coding is [var first, ..] ? first.Code : null;

    private static string? FirstCode(JsonElement resource, string property) =>
        resource.TryGetProperty(property, out var cc) && cc.ValueKind == JsonValueKind.Object
        && cc.TryGetProperty("coding", out var codings) && codings.ValueKind == JsonValueKind.Array
        && codings.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } coding
        && coding.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            ? code.GetString()
            : null;

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>
    /// Caller text as every store engine can hold it: U+0000, which PostgreSQL's text refuses (the whole batch would fail
    /// on every retry and the writer store nothing more), as U+FFFD. The token's claims reach here unchecked for it.
    /// </summary>
    private static string? Storable(string? s) => s is null || !s.Contains('\0') ? s : s.Replace('\0', '\uFFFD');
}

/// <summary>The store's clock: audit and feedback times are wall-clock time, not the evaluation clock (Clock:Now pins only rule evaluation).</summary>
public sealed record StoreClock(TimeProvider Time);
