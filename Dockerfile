# ACP as a service: `acp serve` with its web page, REST API, /metrics and /health/*.
#
#   docker build -t acp .
#   docker run -p 8080:8080 -v acp-home:/var/lib/acp acp
#
# The image is Debian (trixie: its JRE is 21) with ffmpeg and espeak-ng from Debian's packages,
# run as the unprivileged user 'acp'. Everything ACP keeps (runs, journals, cache, the server's
# token) is under ACP_HOME, a volume. Provider keys come in as environment variables
# (-e FAL_KEY=...), never baked into the image.
#
# Without a Docker daemon or registry, `./mvnw -Pimage package` builds the same image as an OCI
# tarball (acp-cli/target/acp-image.tar; see README, "Container").

FROM debian:trixie-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-21-jdk-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The runnable jar only; the tests run in CI, not in the image build.
RUN ./mvnw -B -q package -pl acp-cli -am -DskipTests

FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-21-jre-headless ffmpeg espeak-ng curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/acp --shell /usr/sbin/nologin acp \
 && mkdir -p /var/lib/acp /opt/acp \
 && chown acp:acp /var/lib/acp
COPY --from=build /src/acp-cli/target/acp.jar /opt/acp/acp.jar
COPY LICENSE NOTICE /opt/acp/
ENV ACP_HOME=/var/lib/acp \
    ORT_DISABLE_TELEMETRY=1 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
VOLUME /var/lib/acp
WORKDIR /var/lib/acp
USER acp
EXPOSE 8080
# Ready: the state folder takes a file and ffmpeg and the speech engine work (providers are
# reported, not required). curl -f fails on the 503 of a server that is not ready.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "-jar", "/opt/acp/acp.jar"]
CMD ["serve", "--host", "0.0.0.0"]
