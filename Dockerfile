# KestrelUpper container image (issue #6).
#
#   docker build -t kestrelupper .                 # or: podman build -t kestrelupper .
#   docker run -p 12000:12000/tcp -p 12000:12000/udp -p 8080:8080 kestrelupper
#
# Runtime base: RUNTIME_VARIANT selects the mcr.microsoft.com/dotnet/aspnet:10.0 flavour.
#   ""                 (default) the full Ubuntu-based image: has a shell and coreutils, so
#                      `docker exec ... sh` works for debugging. CI builds and smoke-tests this one.
#   "-noble-chiseled"  RECOMMENDED FOR PRODUCTION: no shell, no package manager, only the files .NET
#                      needs, so a much smaller attack surface and image, and non-root by default.
#                      The service needs neither ICU (invariant globalization, it owns its Unicode
#                      case table) nor tzdata (a container's local time is UTC, and the JSON log
#                      timestamps carry their offset). Without a shell there is no `sleep` for
#                      a preStop exec hook, which is why the Kubernetes manifests use the native
#                      `preStop.sleep` action; debug with `kubectl debug` / an ephemeral container.
#     docker build --build-arg RUNTIME_VARIANT=-noble-chiseled -t kestrelupper .
ARG RUNTIME_VARIANT=""

# ---- build -----------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Set by BuildKit / podman to the image's architecture (amd64, arm64): the ReadyToRun code is per architecture.
ARG TARGETARCH
WORKDIR /src

# Restore as its own cached layer: it changes only when the project or package files change.
# Only the service project: the solution's test, benchmark and client projects are not in the image.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/KestrelUpper/KestrelUpper.csproj src/KestrelUpper/
# PublishReadyToRun here too: the restore brings the ReadyToRun compiler package for the runtime identifier.
RUN dotnet restore src/KestrelUpper/KestrelUpper.csproj -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" -p:PublishReadyToRun=true

# .editorconfig: the build enforces code style (EnforceCodeStyleInBuild, warnings are errors).
# appsettings.json: the repository-root file is published next to KestrelUpper.dll.
COPY .editorconfig appsettings.json ./
COPY src/KestrelUpper/ src/KestrelUpper/
# ReadyToRun: the service's and its packages' code is compiled ahead of time (the framework already is), so a
# fresh pod answers at full speed sooner instead of running unoptimized code while the JIT catches up. Still
# framework-dependent: the runtime comes from the base image.
RUN dotnet publish src/KestrelUpper/KestrelUpper.csproj -c Release -o /app --no-restore -p:UseAppHost=false \
      -r "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" --self-contained false -p:PublishReadyToRun=true

# ---- runtime ---------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0${RUNTIME_VARIANT} AS runtime
WORKDIR /app
# ASPNETCORE_HTTP_PORTS (8080 in the base image) is cleared: the service binds its own listeners
# (Upper__Http__Port etc.), and Kestrel would otherwise warn "Overriding address(es)" at every start.
ENV Upper__Log__Format=json \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true \
    ASPNETCORE_HTTP_PORTS=
# Owned by root and read-only for the service: it never writes to its own directory.
COPY --from=build /app ./
# The images' non-root user "app" (uid/gid 1654); numeric so that Kubernetes' runAsNonRoot can check it.
USER 1654
# TCP and UDP uppercasing on 12000; HTTP /livez /readyz /metrics /status on 8080.
EXPOSE 12000/tcp 12000/udp 8080/tcp
# SIGTERM (docker/podman stop, Kubernetes) drains for Upper__Shutdown__Timeout (10 s) and exits 0:
# give `docker stop -t` / terminationGracePeriodSeconds more than that.
ENTRYPOINT ["dotnet", "KestrelUpper.dll"]
