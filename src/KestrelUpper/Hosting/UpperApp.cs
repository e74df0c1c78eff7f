using System.Net;
using System.Security.Authentication;
using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using KestrelUpper.Health;
using KestrelUpper.Proxy;
using KestrelUpper.Tcp;
using KestrelUpper.Tcp.Epoll;
using KestrelUpper.Telemetry;
using OpenTelemetry.Metrics;
using KestrelUpper.Text;
using KestrelUpper.Tls;
using KestrelUpper.Udp;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Connections;
using Serilog;
using Serilog.Extensions.Logging;
using ILogger = Microsoft.Extensions.Logging.ILogger;

namespace KestrelUpper.Hosting;

/// <summary>Builds and runs the host: Kestrel with the TCP handler and the HTTP endpoint, the UDP service, logging.</summary>
internal static class UpperApp
{
    /// <summary>Exit code for a configuration error (a bad value is the operator's to fix, not a crash).</summary>
    public const int ConfigurationErrorExitCode = 2;

    /// <summary>Exit code when the service cannot start, for example a port already in use.</summary>
    public const int StartFailureExitCode = 1;

    public static async Task<int> RunAsync(string[] args)
    {
        // Stage one of the logging: until the host's logger takes over (and after), a start-up failure is logged too.
        Log.Logger = SerilogSetup.CreateBootstrapLogger();
        try
        {
            return await BuildAndRunAsync(args).ConfigureAwait(false);
        }
        finally
        {
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> BuildAndRunAsync(string[] args)
    {
        // Over the static logger: the bootstrap one, then the host's once it is built (disposing this leaves it open).
        using var staticLogger = new SerilogLoggerFactory();
        ILogger logger = staticLogger.CreateLogger("KestrelUpper");
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (ConfigurationErrorException ex)
        {
            HostingLog.ConfigurationError(logger, ex.Message);
            await Console.Error.WriteLineAsync($"kestrelupper: configuration error: {ex.Message}").ConfigureAwait(false);
            return ConfigurationErrorExitCode;
        }
        catch (Exception ex)
        {
            HostingLog.StartFailed(logger, ex.Message, ex);
            throw;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.RunAsync().ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                // Typically "address already in use": one line, not a stack trace.
                await Console.Error.WriteLineAsync($"kestrelupper: cannot start: {ex.Message}").ConfigureAwait(false);
                return StartFailureExitCode;
            }
        }
    }

    /// <summary>Builds the application; <paramref name="configure"/> lets tests add configuration or services.</summary>
    /// <exception cref="ConfigurationErrorException">A configuration value is invalid.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The repository-root appsettings.json is copied next to the binary; load it from there wherever we run.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders(); // before configure, so a test's capturing provider survives
        configure?.Invoke(builder);

        UpperOptions options = UpperOptionsLoader.Load(builder.Configuration);
        IReadOnlyList<(string Key, string Why)> retired = RetiredSettings.Find(builder.Configuration);
        TransportPlan plan = TransportPlan.Decide(options);

        var listeners = new ListenerEndpoints();
        AddLogging(builder, options);
        AddServices(builder.Services, options, plan, listeners);
        AddTls(builder.Services, options);
        ConfigureKestrel(builder, options, plan, out ListenOptionsHolder bound);

        WebApplication app = builder.Build();
        app.MapHealth();
        app.MapStatus();
        // Built now, before the server starts, so the SDK listens to Kestrel's meter from the first connection
        // (an up-down counter that missed an open would go negative at its close).
        _ = app.Services.GetRequiredService<MeterProvider>();
        // Routing serves the HTTP port only: the TCP and TLS ports run the uppercase ConnectionHandler, not HTTP.
        app.MapPrometheusScrapingEndpoint(UpperTelemetry.MetricsPath);
        WatchLifetime(app, options, plan, retired, listeners, bound, SerilogSetup.IgnoredKeys(builder.Configuration));
        return app;
    }

    private static void AddLogging(WebApplicationBuilder builder, UpperOptions options) =>
        SerilogSetup.AddSerilog(builder.Services, builder.Configuration, options.Log.Format);

    private static void AddServices(IServiceCollection services, UpperOptions options, TransportPlan plan, ListenerEndpoints listeners)
    {
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(plan);
        services.AddSingleton(new TrustedProxyNetworks(options.Tcp.TrustedProxies));
        services.AddSingleton(listeners);
        services.TryAddSingleton(TimeProvider.System); // tests may bring a fake clock
        services.AddSingleton(new Uppercaser(options.Casing));
        services.AddSingleton<UpperCounters>();
        services.AddSingleton(new StartTime(TimeProvider.System.GetTimestamp()));
        services.AddSingleton<ReadinessState>();
        services.AddSingleton<UpperMetrics>();
        services.AddUpperTelemetry();
        services.AddSingleton<TcpConnectionLimiter>();
        if (plan.Tcp == TcpTransport.Epoll)
        {
            services.AddSingleton<EpollEngine>();
        }

        services.AddSingleton<SourceRateLimiter>();
        services.AddSingleton<UdpDatagramProcessor>();
        services.AddHostedService<UdpUppercaseService>();
        services.Configure<HostOptions>(h => h.ShutdownTimeout = options.Shutdown.Timeout);
    }

    private static void AddTls(IServiceCollection services, UpperOptions options)
    {
        if (options.Tls.Enabled)
        {
            // Loaded now, so a bad path or a key that does not match is a configuration error (exit 2), not a failed handshake later.
            SslStreamCertificateContext certificate = KestrelUpper.Tls.CertificateLoader.LoadContext(options.Tls);
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CertificateStore>(sp, certificate));
        }
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, UpperOptions options, TransportPlan plan, out ListenOptionsHolder bound)
    {
        var holder = new ListenOptionsHolder();
        bound = holder;
        IPAddress address = IPAddress.Parse(options.Address);

        builder.WebHost.UseSockets(sockets =>
        {
            // Backpressure on Kestrel's transport: a client that never reads its replies stalls the driver's send
            // (TLS: the output pipe fills and the flush waits), the input pipe fills, and the transport stops reading.
            sockets.MaxWriteBufferSize = options.Tcp.MaxBufferedReplyBytes;
            sockets.MaxReadBufferSize = options.Tcp.MaxBufferedRequestBytes;
        });
        bool epoll = plan.Tcp == TcpTransport.Epoll;
        if (epoll)
        {
            // After UseSockets: Kestrel asks the last registered transport first, and this one binds only EpollEndPoint.
            builder.Services.AddSingleton<IConnectionListenerFactory, EpollTransportFactory>();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The cap first, before anything is read; the session reads the PROXY header on either driver.
            holder.Tcp = Listen(kestrel, address, options.Tcp.Port, listen => listen.UseConnectionLimit().UseUppercase(readsProxyHeader: true), epoll);
            holder.Http = Listen(kestrel, address, options.Http.Port, listen => listen.Protocols = HttpProtocols.Http1);
            if (options.Tls.Enabled)
            {
                CertificateStore certificates = kestrel.ApplicationServices.GetRequiredService<CertificateStore>();
                holder.Tls = Listen(kestrel, address, options.Tls.Port, listen =>
                {
                    // The cap first, then the PROXY header, which precedes the TLS handshake.
                    listen.UseConnectionLimit();
                    listen.UseProxyProtocol();
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        // A prebuilt context (leaf + intermediates) per handshake: no chain build, no network fetch.
                        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = certificates.Current,
                            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                            ClientCertificateRequired = false,
                        }),
                        HandshakeTimeout = options.Tls.HandshakeTimeout,
                    });
                    listen.UseUppercase(readsProxyHeader: false);
                });
            }
        });
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, IPAddress address, int port, Action<ListenOptions> configure, bool epoll = false)
    {
        ListenOptions? captured = null;
        void Capture(ListenOptions listen)
        {
            captured = listen;
            configure(listen);
        }

        // The marked endpoint is bound by EpollTransportFactory (which does its own dual-stack bind and fallback).
        // ListenAnyIP binds [::] dual-stack and falls back to 0.0.0.0 where IPv6 is disabled.
        if (epoll)
        {
            kestrel.Listen(new EpollEndPoint(address, port), Capture);
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            kestrel.ListenAnyIP(port, Capture);
        }
        else
        {
            kestrel.Listen(address, port, Capture);
        }

        return captured!;
    }

    private static void WatchLifetime(WebApplication app, UpperOptions options, TransportPlan plan, IReadOnlyList<(string Key, string Why)> retired, ListenerEndpoints listeners, ListenOptionsHolder bound, IReadOnlyList<string> ignoredLogKeys)
    {
        ReadinessState readiness = app.Services.GetRequiredService<ReadinessState>();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KestrelUpper");
        _ = app.Services.GetRequiredService<UpperMetrics>(); // creates the meter's instruments
        foreach (string key in ignoredLogKeys)
        {
            HostingLog.LogSettingIgnored(logger, key);
        }

        foreach ((string key, string why) in retired)
        {
            HostingLog.SettingIgnored(logger, key, why);
        }

        if (plan.TcpFallback is { } tcpFallback)
        {
            HostingLog.TransportFallback(logger, "TCP", tcpFallback, "Kestrel socket transport");
        }

        if (plan.UdpFallback is { } udpFallback)
        {
            HostingLog.TransportFallback(logger, "UDP", udpFallback, "portable loop");
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Kestrel has bound by now; ListenOptions carry the real port when 0 was asked.
            listeners.Tcp = bound.Tcp?.IPEndPoint is { } tcp ? new IPEndPoint(tcp.Address, tcp.Port) : null;
            listeners.Http = bound.Http?.IPEndPoint;
            listeners.Tls = bound.Tls?.IPEndPoint;
            readiness.TcpListening();
            HostingLog.Listening(logger, "tcp", listeners.Tcp);
            HostingLog.Listening(logger, "udp", listeners.Udp);
            HostingLog.Listening(logger, "http", listeners.Http);
            if (listeners.Tls is not null)
            {
                HostingLog.Listening(logger, "tls", listeners.Tls);
            }

            HostingLog.Started(
                logger,
                ServiceVersion.Value,
                listeners.Tcp,
                plan.DescribeTcp(options.Sockets.EffectiveEventLoops),
                listeners.Udp,
                plan.DescribeUdp(options.Udp.BatchSize),
                listeners.Http,
                listeners.Tls is { } tls ? $"{tls} (Kestrel sockets)" : "off",
                options.Casing.ToString());
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            readiness.Drain();
            HostingLog.Draining(logger, options.Shutdown.Timeout);
        });
    }

    private sealed class ListenOptionsHolder
    {
        public ListenOptions? Tcp { get; set; }

        public ListenOptions? Http { get; set; }

        public ListenOptions? Tls { get; set; }
    }
}
