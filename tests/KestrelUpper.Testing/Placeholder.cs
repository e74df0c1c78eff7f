namespace KestrelUpper.Testing; internal static class Placeholder { }
