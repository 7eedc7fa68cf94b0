using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace NaltrexoneFhir.Persistence;

/// <summary>
/// The feedback/audit store. The schema is owned by the SQL migrations (<see cref="SchemaMigrator"/>), not by EF:
/// this context only maps onto it. Times are <c>timestamptz</c> on PostgreSQL and fixed-width ISO 8601 UTC text on
/// SQLite (so text order is time order and range filters translate).
/// </summary>
public sealed class CdsStoreContext(DbContextOptions<CdsStoreContext> options) : DbContext(options)
{
    public DbSet<HookCallRow> HookCalls => Set<HookCallRow>();
    public DbSet<IssuedCardRow> IssuedCards => Set<IssuedCardRow>();
    public DbSet<IssuedSuggestionRow> IssuedSuggestions => Set<IssuedSuggestionRow>();
    public DbSet<FeedbackRow> Feedback => Set<FeedbackRow>();
    public DbSet<FeedbackSuggestionRow> FeedbackSuggestions => Set<FeedbackSuggestionRow>();

    private StoreProvider? _provider;

    /// <summary>
    /// The database this context talks to. Asked once per context: EF answers it by comparing the provider's assembly
    /// name, which cost about 1 % of the service's CPU under load when the audit writer asked it for every row.
    /// </summary>
    public StoreProvider Provider => _provider ??= Database.IsNpgsql() ? StoreProvider.Postgres : StoreProvider.Sqlite;

    /// <summary>Configures a context for the given settings (used by DI and by tests).</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, StoreSettings settings)
    {
        _ = settings.Provider switch
        {
            StoreProvider.Postgres => builder.UseNpgsql(settings.ConnectionString),
            _ => builder.UseSqlite(settings.ConnectionString).AddInterceptors(SqliteDurability.Instance),
        };
        builder.ReplaceService<IModelCacheKeyFactory, ProviderModelCacheKeyFactory>();
        return builder;
    }

    public static DbContextOptions<CdsStoreContext> Options(StoreSettings settings) =>
        (DbContextOptions<CdsStoreContext>)Configure(new DbContextOptionsBuilder<CdsStoreContext>(), settings).Options;

    /// <summary>The value a raw SQL parameter needs for a time column on this provider.</summary>
    public object DbTime(DateTimeOffset value) => Provider == StoreProvider.Postgres ? value.ToUniversalTime() : SqliteTime.Format(value);

    protected override void OnModelCreating(ModelBuilder model)
    {
        var sqlite = Provider == StoreProvider.Sqlite;
        ValueConverter<DateTimeOffset, string> sqliteTime = new(v => SqliteTime.Format(v), v => SqliteTime.Parse(v));
        ValueConverter<DateTimeOffset, DateTimeOffset> utc = new(v => v.ToUniversalTime(), v => v);

        void Time<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e, System.Linq.Expressions.Expression<Func<T, DateTimeOffset>> p, string column) where T : class
        {
            var prop = e.Property(p).HasColumnName(column);
            if (sqlite) prop.HasConversion(sqliteTime); else prop.HasConversion(utc);
        }

        model.Entity<HookCallRow>(e =>
        {
            e.ToTable("hook_call");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            Time(e, x => x.ReceivedAt, "received_at");
            e.Property(x => x.IsoWeek).HasColumnName("iso_week");
            e.Property(x => x.ServiceId).HasColumnName("service_id");
            e.Property(x => x.Hook).HasColumnName("hook");
            e.Property(x => x.HookInstance).HasColumnName("hook_instance");
            e.Property(x => x.Issuer).HasColumnName("issuer");
            e.Property(x => x.Tenant).HasColumnName("tenant");
            e.Property(x => x.PatientHash).HasColumnName("patient_hash");
            e.Property(x => x.StatusCode).HasColumnName("status_code");
            e.Property(x => x.LatencyMs).HasColumnName("latency_ms");
            e.Property(x => x.Data).HasColumnName("data_origins").HasConversion(
                new ValueConverter<List<HookCallData>, string>(v => DataOriginsJson.Write(v), v => DataOriginsJson.Read(v)),
                new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<HookCallData>>(
                    (a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, d) => HashCode.Combine(h, d)), v => v.ToList()));
            e.HasMany(x => x.Cards).WithOne().HasForeignKey(c => c.HookCallId);
        });
        model.Entity<IssuedCardRow>(e =>
        {
            e.ToTable("issued_card");
            e.HasKey(x => x.CardUuid);
            e.Property(x => x.CardUuid).HasColumnName("card_uuid");
            e.Property(x => x.HookCallId).HasColumnName("hook_call_id");
            e.Property(x => x.ServiceId).HasColumnName("service_id");
            e.Property(x => x.Concern).HasColumnName("concern");
            e.Property(x => x.Indicator).HasColumnName("indicator");
            Time(e, x => x.IssuedAt, "issued_at");
            e.Property(x => x.IsoWeek).HasColumnName("iso_week");
            e.Property(x => x.SuggestionCount).HasColumnName("suggestion_count");
            e.HasMany(x => x.Suggestions).WithOne().HasForeignKey(s => s.CardUuid);
        });
        model.Entity<IssuedSuggestionRow>(e =>
        {
            e.ToTable("issued_suggestion");
            e.HasKey(x => x.SuggestionUuid);
            e.Property(x => x.SuggestionUuid).HasColumnName("suggestion_uuid");
            e.Property(x => x.CardUuid).HasColumnName("card_uuid");
            e.Property(x => x.Kind).HasColumnName("kind");
        });
        model.Entity<FeedbackRow>(e =>
        {
            e.ToTable("feedback");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.ServiceId).HasColumnName("service_id");
            e.Property(x => x.CardUuid).HasColumnName("card_uuid");
            e.Property(x => x.CardKnown).HasColumnName("card_known");
            e.Property(x => x.Outcome).HasColumnName("outcome");
            Time(e, x => x.OutcomeAt, "outcome_at");
            e.Property(x => x.ReasonSystem).HasColumnName("reason_system");
            e.Property(x => x.ReasonCode).HasColumnName("reason_code");
            e.Property(x => x.ReasonDisplay).HasColumnName("reason_display");
            e.Property(x => x.UserComment).HasColumnName("user_comment");
            Time(e, x => x.ReceivedAt, "received_at");
            e.HasMany(x => x.AcceptedSuggestions).WithOne().HasForeignKey(s => s.FeedbackId);
        });
        model.Entity<FeedbackSuggestionRow>(e =>
        {
            e.ToTable("feedback_suggestion");
            e.HasKey(x => new { x.FeedbackId, x.SuggestionUuid });
            e.Property(x => x.FeedbackId).HasColumnName("feedback_id");
            e.Property(x => x.SuggestionUuid).HasColumnName("suggestion_uuid");
        });
    }

    /// <summary>The model differs by provider (time columns), so cache one per provider.</summary>
    private sealed class ProviderModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            (context.GetType(), context.Database.ProviderName, designTime);
    }
}

/// <summary>SQLite time text: UTC, fixed width (yyyy-MM-ddTHH:mm:ss.fffffffZ), so string order is time order.</summary>
public static class SqliteTime
{
    public const string FormatString = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString(FormatString, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

/// <summary>
/// SQLite: feedback is acknowledged only once durable, so every connection runs with <c>synchronous=FULL</c>
/// (in WAL mode NORMAL may lose the last commits on power loss). WAL itself is set once by the migrator.
/// </summary>
internal sealed class SqliteDurability : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqliteDurability Instance = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    internal static void Apply(System.Data.Common.DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=FULL;";
        cmd.ExecuteNonQuery();
    }
}
