using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Testing;

/// <summary>Keeps every log event at or above Debug, for tests that assert what is (not) logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> _events = new();

    public IReadOnlyCollection<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Events => _events;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._events.Enqueue((category, logLevel, eventId, TemplateMessage.Render(state) ?? formatter(state, exception), exception));
            }
        }
    }
}
