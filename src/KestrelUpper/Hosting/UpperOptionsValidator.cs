using System.Net;
using KestrelUpper.Proxy;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Hosting;

/// <summary>Checks every <c>Upper:*</c> value at start, so a typo is one clear line instead of a failure later.</summary>
internal sealed class UpperOptionsValidator : IValidateOptions<UpperOptions>
{
    private const int MaxPort = 65_535;

    // Timers take at most uint.MaxValue - 1 milliseconds (about 49.7 days); a day is plenty for any timeout here.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, UpperOptions options)
    {
        var errors = new List<string>();

        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"Upper:Address must be an IP address such as ::, 0.0.0.0, 127.0.0.1 or ::1 (got '{options.Address}').");
        }

        if (!Enum.IsDefined(options.Casing))
        {
            errors.Add($"Upper:Casing must be Unicode or Ascii (got '{options.Casing}').");
        }

        if (!Enum.IsDefined(options.Log.Format))
        {
            errors.Add($"Upper:Log:Format must be auto, text or json (got '{options.Log.Format}').");
        }

        CheckPort(errors, "Upper:Tcp:Port", options.Tcp.Port);
        CheckPort(errors, "Upper:Udp:Port", options.Udp.Port);
        CheckPort(errors, "Upper:Http:Port", options.Http.Port);
        if (options.Http.Port != 0 && options.Http.Port == options.Tcp.Port)
        {
            errors.Add($"Upper:Http:Port and Upper:Tcp:Port must differ (both {options.Http.Port}).");
        }

        CheckPort(errors, "Upper:Tls:Port", options.Tls.Port);
        if (options.Tls.Enabled)
        {
            if (string.IsNullOrWhiteSpace(options.Tls.CertificatePath))
            {
                errors.Add("Upper:Tls:CertificatePath is required when Upper:Tls:Port is set.");
            }

            if (options.Tls.Port == options.Tcp.Port || options.Tls.Port == options.Http.Port)
            {
                errors.Add($"Upper:Tls:Port must differ from Upper:Tcp:Port and Upper:Http:Port (got {options.Tls.Port}).");
            }

            CheckNonNegative(errors, "Upper:Tls:ReloadCheckInterval", options.Tls.ReloadCheckInterval);
            if (options.Tls.HandshakeTimeout <= TimeSpan.Zero || options.Tls.HandshakeTimeout > MaxTimeout)
            {
                errors.Add($"Upper:Tls:HandshakeTimeout must be positive and at most {MaxTimeout} (got {options.Tls.HandshakeTimeout}).");
            }
        }

        CheckRange(errors, "Upper:Tcp:MaxConnections", options.Tcp.MaxConnections, 1, int.MaxValue);
        CheckRange(errors, "Upper:Tcp:MaxConnectionsPerIp", options.Tcp.MaxConnectionsPerIp, 1, int.MaxValue);
        CheckRange(errors, "Upper:Tcp:MaxBufferedReplyBytes", options.Tcp.MaxBufferedReplyBytes, 4096, 64 * 1024 * 1024);
        CheckRange(errors, "Upper:Tcp:MaxBufferedRequestBytes", options.Tcp.MaxBufferedRequestBytes, 4096, 64 * 1024 * 1024);
        if (!Enum.IsDefined(options.Sockets.Transport))
        {
            errors.Add($"Upper:Sockets:Transport must be Epoll or Kestrel (got '{options.Sockets.Transport}').");
        }

        CheckRange(errors, "Upper:Sockets:ReceiveBufferBytes", options.Sockets.ReceiveBufferBytes, 1024, 1024 * 1024);
        CheckRange(errors, "Upper:Sockets:EventLoops", options.Sockets.EventLoops, 0, 64);
        CheckNonNegative(errors, "Upper:Tcp:IdleTimeout", options.Tcp.IdleTimeout);
        CheckProxyProtocol(errors, options.Tcp);

        CheckRange(errors, "Upper:Udp:MaxReplyBytes", options.Udp.MaxReplyBytes, 0, UdpOptions.MaxDatagramPayload);
        CheckRange(errors, "Upper:Udp:RatePerSource", options.Udp.RatePerSource, 0, int.MaxValue);
        CheckRange(errors, "Upper:Udp:BurstPerSource", options.Udp.BurstPerSource, 1, int.MaxValue);
        CheckRange(errors, "Upper:Udp:MaxTrackedSources", options.Udp.MaxTrackedSources, 1, 16 * 1024 * 1024);
        if (!Enum.IsDefined(options.Udp.Loop))
        {
            errors.Add($"Upper:Udp:Loop must be Batch or Portable (got '{options.Udp.Loop}').");
        }

        CheckRange(errors, "Upper:Udp:BatchSize", options.Udp.BatchSize, 1, UdpOptions.MaxBatchSize);
        foreach (int port in options.Udp.EffectiveBlockedSourcePorts)
        {
            CheckPort(errors, "Upper:Udp:BlockedSourcePorts", port);
        }

        CheckNonNegative(errors, "Upper:Shutdown:Timeout", options.Shutdown.Timeout);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckProxyProtocol(List<string> errors, TcpOptions tcp)
    {
        if (!Enum.IsDefined(tcp.ProxyProtocol))
        {
            errors.Add($"Upper:Tcp:ProxyProtocol must be Off, Optional or Required (got '{tcp.ProxyProtocol}').");
        }

        string[] trusted = tcp.TrustedProxies ?? [];
        for (int i = 0; i < trusted.Length; i++)
        {
            if (!TrustedProxyNetworks.TryParse(trusted[i], out _))
            {
                errors.Add($"Upper:Tcp:TrustedProxies:{i} must be a CIDR such as 10.0.0.0/8 or ::1/128, with no bits set past the prefix (got '{trusted[i]}').");
            }
        }

        if (tcp.ProxyProtocol is ProxyProtocolMode.Optional or ProxyProtocolMode.Required && trusted.Length == 0)
        {
            // Without a trusted proxy every header would be refused: surely not what was meant.
            errors.Add($"Upper:Tcp:TrustedProxies must list at least one CIDR when Upper:Tcp:ProxyProtocol is {tcp.ProxyProtocol}.");
        }

        if (tcp.ProxyHeaderTimeout <= TimeSpan.Zero || tcp.ProxyHeaderTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Upper:Tcp:ProxyHeaderTimeout must be more than zero and at most 00:10:00 (got {tcp.ProxyHeaderTimeout}).");
        }
    }

    private static void CheckPort(List<string> errors, string key, int value) => CheckRange(errors, key, value, 0, MaxPort);

    private static void CheckRange(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {min} and {max} (got {value}).");
        }
    }

    private static void CheckNonNegative(List<string> errors, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"{key} must not be negative (got {value}).");
        }
        else if (value > MaxTimeout)
        {
            errors.Add($"{key} must be at most {MaxTimeout} (got {value}).");
        }
    }
}
