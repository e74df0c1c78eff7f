using System.Net;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Hosting;

/// <summary>Checks every <c>Upper:*</c> value at start, so a typo is one clear line instead of a failure later.</summary>
internal sealed class UpperOptionsValidator : IValidateOptions<UpperOptions>
{
    private const int MaxPort = 65_535;

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
            if (options.Tls.HandshakeTimeout <= TimeSpan.Zero)
            {
                errors.Add($"Upper:Tls:HandshakeTimeout must be positive (got {options.Tls.HandshakeTimeout}).");
            }
        }

        CheckRange(errors, "Upper:Tcp:MaxConnections", options.Tcp.MaxConnections, 1, int.MaxValue);
        CheckRange(errors, "Upper:Tcp:MaxConnectionsPerIp", options.Tcp.MaxConnectionsPerIp, 1, int.MaxValue);
        CheckRange(errors, "Upper:Tcp:MaxBufferedReplyBytes", options.Tcp.MaxBufferedReplyBytes, 4096, 64 * 1024 * 1024);
        CheckRange(errors, "Upper:Tcp:MaxBufferedRequestBytes", options.Tcp.MaxBufferedRequestBytes, 4096, 64 * 1024 * 1024);
        CheckNonNegative(errors, "Upper:Tcp:IdleTimeout", options.Tcp.IdleTimeout);

        CheckRange(errors, "Upper:Udp:MaxReplyBytes", options.Udp.MaxReplyBytes, 0, UdpOptions.MaxDatagramPayload);
        CheckRange(errors, "Upper:Udp:RatePerSource", options.Udp.RatePerSource, 0, int.MaxValue);
        CheckRange(errors, "Upper:Udp:BurstPerSource", options.Udp.BurstPerSource, 1, int.MaxValue);
        CheckRange(errors, "Upper:Udp:MaxTrackedSources", options.Udp.MaxTrackedSources, 1, 16 * 1024 * 1024);
        CheckRange(errors, "Upper:Udp:ReceiveLoops", options.Udp.ReceiveLoops, 1, 64);
        foreach (int port in options.Udp.EffectiveBlockedSourcePorts)
        {
            CheckPort(errors, "Upper:Udp:BlockedSourcePorts", port);
        }

        CheckNonNegative(errors, "Upper:Shutdown:Timeout", options.Shutdown.Timeout);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
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
    }
}
