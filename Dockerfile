# Multi-stage build: a static opsbot binary on a minimal, non-root image
# (docs/deploy.md, "Docker"). docker build --build-arg VERSION=$(git describe --tags --always) -t opsbot .
FROM golang:1.26 AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.stamped=${VERSION}" -o /out/opsbot ./cmd/opsbot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/opsbot /usr/local/bin/opsbot
# The data directory (opsbot.db: requests, audit log, alert state), owned by
# the image's non-root user (65532) so a new named volume is writable.
COPY --from=build --chown=65532:65532 /out/data /var/lib/opsbot
VOLUME ["/var/lib/opsbot"]
USER 65532:65532
# 8088: mattermost.listen's default (slash commands and buttons); 9090: ops.listen (/healthz, /metrics).
EXPOSE 8088 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["/usr/local/bin/opsbot", "health", "http://127.0.0.1:9090/healthz"]
ENTRYPOINT ["/usr/local/bin/opsbot"]
CMD ["run", "-config", "/etc/opsbot/opsbot.yaml"]
