# Multi-stage build: a static opsbot binary on a minimal, non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/opsbot ./cmd/opsbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/opsbot /usr/local/bin/opsbot
# The bbolt data file, the CSV reports and attachments live here.
VOLUME ["/var/lib/opsbot"]
USER nonroot:nonroot
# 8080: Mattermost slash commands and buttons; 9090: /healthz and /metrics.
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/opsbot"]
CMD ["run", "-config", "/etc/opsbot/opsbot.yaml"]
